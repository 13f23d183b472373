#include "cli/jls_format.h"

#include <algorithm>

#include "base/text.h"
#include "cli/jls_encode.h"
#include "conf/param_table.h"

namespace jails::cli {
namespace {

using conf::ParamInfo;
using conf::ParamKind;
using conf::ParamType;

// printf's %-W.Ps / %Ws on bytes, as FreeBSD's jls prints (fmt would count code points).
std::string cell(std::string_view s, size_t width, size_t max, bool left = true) {
  if (s.size() > max) s = s.substr(0, max);
  std::string pad(s.size() < width ? width - s.size() : 0, ' ');
  return left ? std::string(s) + pad : pad + std::string(s);
}
constexpr size_t kAll = std::string_view::npos;

// An address as the kernel keeps it: "em0|192.0.2.1/24" was written, 192.0.2.1 is kept.
std::string address_only(std::string_view a) {
  if (auto bar = a.find('|'); bar != std::string_view::npos) a.remove_prefix(bar + 1);
  a = a.substr(0, std::min(a.find('/'), a.find(' ')));
  return std::string(a);
}

// FreeBSD: what the kernel reports for a parameter nobody set.
std::vector<std::string> default_value(const ParamInfo& p, const HostFacts& host) {
  if (p.name == "osrelease" || p.name == "linux.osrelease") return {host.release};
  if (p.name == "osreldate") return {std::to_string(linux_version_code(host.release))};
  if (p.name == "linux.osname") return {host.sysname};
  if (p.name == "host.hostuuid") return {"00000000-0000-0000-0000-000000000000"};
  if (!p.def.empty()) return {std::string(p.def)};
  switch (p.type) {
    case ParamType::Int: return {"0"};
    case ParamType::Bool: return {"false"};
    case ParamType::JailSys: return {"new"};
    case ParamType::List: return {};
    case ParamType::String: break;
  }
  return {""};
}

bool shown(const ParamInfo& p) { return p.kind != ParamKind::Pseudo; }

// FreeBSD's sort_param: top-level names first, then dotted ones, each sorted.
bool registration_order(const ParamInfo* a, const ParamInfo* b) {
  bool ad = a->name.find('.') != std::string_view::npos, bd = b->name.find('.') != std::string_view::npos;
  if (ad != bd) return bd;
  return a->name < b->name;
}

// One parameter to print (FreeBSD's struct jailparam with JP_USER / JP_OPT).
struct Column {
  const ParamInfo* info;
  std::string name;      // as asked: "nopersist" for a negated boolean
  bool negated = false;  // JP_NOBOOL
  bool user = true;      // printed (JP_USER); false: only read for -s
  int parent = -1;       // -s: the jailsys parameter above this one
};

// Finds a parameter jls can print: a kernel or read-only one, or a boolean spelled "no...".
const ParamInfo* lookup(const std::string& name, bool* negated) {
  const ParamInfo* p = conf::lookup_param(name, negated);
  if (!p || !shown(*p)) return nullptr;
  // meta.KEY and env.KEY are jail(8)'s ways to set one key; the kernel has only meta/env.
  if (!*negated && p->name != name) return nullptr;
  return p;
}

int add_column(std::vector<Column>& cols, const std::string& name, bool user) {
  for (size_t i = 0; i < cols.size(); ++i)
    if (cols[i].name == name) {
      cols[i].user |= user;
      return static_cast<int>(i);
    }
  bool negated = false;
  const ParamInfo* p = lookup(name, &negated);
  if (!p) return -1;
  cols.push_back(Column{p, name, negated, user});
  return static_cast<int>(cols.size() - 1);
}

std::vector<Column> columns(const JlsOptions& opt) {
  std::vector<Column> cols;
  std::vector<std::string> names = opt.params;
  if (names.empty()) names = {"all"};
  for (const auto& n : names) {
    if (n != "all") {
      add_column(cols, n, true);
      continue;
    }
    std::vector<const ParamInfo*> all;
    for (const auto& p : conf::all_params())
      if (shown(p)) all.push_back(&p);
    std::stable_sort(all.begin(), all.end(), registration_order);
    for (const auto* p : all) add_column(cols, std::string(p->name), true);
  }
  if (opt.skip) {
    // FreeBSD: a parameter under a jailsys one (host.hostname under host) is skipped
    // unless that one is "new".
    for (size_t i = 0; i < cols.size(); ++i) {
      if (!cols[i].user) continue;
      auto dot = cols[i].name.find('.');
      if (dot == std::string::npos) continue;
      const ParamInfo* up = conf::find_param(cols[i].name.substr(0, dot));
      if (up && up->type == ParamType::JailSys && shown(*up))
        cols[i].parent = add_column(cols, std::string(up->name), false);
    }
  }
  return cols;
}

const std::vector<std::string>& values_of(const JailView& j, const ParamInfo& p) {
  static const std::vector<std::string> none;
  auto it = j.values.find(std::string(p.name));
  return it == j.values.end() ? none : it->second;
}

bool is_true(const std::vector<std::string>& v) { return !v.empty() && v.front() == "true"; }

// jailparam_export: booleans "true"/"false", lists comma-separated.
std::string exported(const JailView& j, const Column& c) {
  const auto& v = values_of(j, *c.info);
  if (c.info->type == ParamType::Bool) return (is_true(v) != c.negated) ? "true" : "false";
  return join(v, ",");
}

// FreeBSD's noname(): "no" before the last component.
std::string noname(const std::string& name) {
  auto dot = name.rfind('.');
  if (dot == std::string::npos) return "no" + name;
  return name.substr(0, dot + 1) + "no" + name.substr(dot + 1);
}

// FreeBSD's quoted_print: an empty value is always "", quotes only with -q.
std::string quoted(const JlsOptions& opt, const std::string& value) {
  if (value.empty()) return "\"\"";
  char qc = value.find('\'') != std::string::npos   ? '"'
            : value.find('"') != std::string::npos  ? '\''
            : value.find_first_of(" \t") != std::string::npos ? '"'
                                                              : 0;
  if (!qc || !opt.quoted) return value;
  return qc + value + qc;
}

bool skipped(const JlsOptions& opt, const std::vector<Column>& cols, const JailView& j, const Column& c) {
  if (!opt.skip) return false;
  // Linux: Unsupported parameters are refused by jail -c here, so -s leaves them out too.
  if (c.info->kind != ParamKind::Kernel || c.info->status == conf::LinuxStatus::Unsupported) return true;
  return c.parent >= 0 && exported(j, cols[c.parent]) != "new";
}

// One jail in parameter mode (-n, -h, -s or named parameters).
void params_row(const JlsOptions& opt, const std::vector<Column>& cols, const JailView& j, std::string& text,
                XoRecord& rec) {
  bool spc = false;
  for (const auto& c : cols) {
    if (!c.user || skipped(opt, cols, j, c)) continue;
    if (spc) text += ' ';
    spc = true;
    bool is_bool = c.info->type == ParamType::Bool;
    if (opt.nameval && is_bool) {
      bool on = exported(j, c) == "true";
      // FreeBSD encodes a "no..." boolean as true whatever its value.
      rec.push_back(XoField::boolean(c.name, on || c.negated));
      text += on ? c.name : (c.negated ? std::string(c.info->name) : noname(c.name));
      continue;
    }
    if (opt.nameval) text += c.name + "=";
    const auto& v = values_of(j, *c.info);
    bool ip = c.info->name == "ip4.addr" || c.info->name == "ip6.addr";
    if (ip) rec.push_back(XoField::list(c.name, c.info->name == "ip4.addr" ? "ipv4_addr" : "ipv6_addr", v));
    if (c.info->type == ParamType::List && v.empty()) {
      // FreeBSD's special_print: an empty list (no value at all) is "" with -q, "-" alone.
      if (opt.quoted) text += "\"\"";
      else if (!opt.nameval) text += "-";
      if (!ip) rec.push_back(XoField::string(c.name, ""));
      continue;
    }
    std::string value = exported(j, c);
    text += quoted(opt, value);
    if (!ip) rec.push_back(XoField::string(c.name, value));
  }
  text += '\n';
}

std::string first_ip4(const JailView& j) {
  auto it = j.values.find("ip4.addr");
  return it == j.values.end() || it->second.empty() ? "" : it->second.front();
}

std::string value(const JailView& j, const char* name) {
  auto it = j.values.find(name);
  return it == j.values.end() || it->second.empty() ? "" : it->second.front();
}

void default_row(const JlsOptions& opt, const JailView& j, std::string& text, XoRecord& rec) {
  std::string ip = first_ip4(j), host = value(j, "host.hostname"), path = value(j, "path");
  if (opt.jail_name) {
    text += " " + cell(j.name, 15, kAll) + " ";
    rec.push_back(XoField::string("name", j.name));
  } else {
    text += cell(std::to_string(j.jid), 6, kAll, false) + "  ";
    rec.push_back(XoField::number("jid", std::to_string(j.jid)));
  }
  text += cell(ip, 15, 15) + " " + cell(host, 29, 29) + " " + cell(path, 0, 74) + "\n";
  rec.push_back(XoField::string("ipv4", ip));
  rec.push_back(XoField::string("hostname", host));
  rec.push_back(XoField::string("path", path));
}

void verbose_row(const JailView& j, std::string& text, XoRecord& rec) {
  std::string host = value(j, "host.hostname"), path = value(j, "path"), cpuset = value(j, "cpuset.id");
  const char* state = j.dying ? "DYING" : "ACTIVE";
  text += cell(std::to_string(j.jid), 6, kAll, false) + "  " + cell(host, 29, 29) + " " + cell(path, 0, 74) + "\n";
  text += "        " + cell(j.name, 29, 29) + " " + state + "\n";
  text += "        " + cpuset + "\n";
  rec.push_back(XoField::number("jid", std::to_string(j.jid)));
  rec.push_back(XoField::string("hostname", host));
  rec.push_back(XoField::string("path", path));
  rec.push_back(XoField::string("name", j.name));
  rec.push_back(XoField::string("state", state));
  rec.push_back(XoField::number("cpusetid", cpuset));
  for (const char* af : {"ip4.addr", "ip6.addr"}) {
    auto it = j.values.find(af);
    std::vector<std::string> addrs = it == j.values.end() ? std::vector<std::string>{} : it->second;
    for (const auto& a : addrs) text += "        " + a + "\n";
    bool v4 = af[2] == '4';
    rec.push_back(XoField::list(v4 ? "ipv4_addrs" : "ipv6_addrs", v4 ? "ipv4_addr" : "ipv6_addr", addrs));
  }
}

enum class Mode { Default, Verbose, Params };

Mode mode_of(const JlsOptions& opt) {
  if (!opt.params.empty() || opt.header || opt.nameval) return Mode::Params;
  return opt.verbose ? Mode::Verbose : Mode::Default;
}

std::string header(const JlsOptions& opt, Mode mode, const std::vector<Column>& cols) {
  switch (mode) {
    case Mode::Verbose:
      return "   JID  Hostname" + std::string(22, ' ') + "Path\n" + "        Name" + std::string(26, ' ') +
             "State\n" + "        CPUSetID\n" + "        IP Address(es)\n";
    case Mode::Default:
      if (opt.jail_name) return " " + cell("JID", 15, kAll) + " " + cell("IP Address", 15, kAll) + " " +
                                cell("Hostname", 29, kAll) + " Path\n";
      return "   JID  IP Address      Hostname" + std::string(22, ' ') + "Path\n";
    case Mode::Params:
      if (!opt.header) return "";
      std::string line;
      for (const auto& c : cols)
        if (c.user) line += (line.empty() ? "" : " ") + c.name;
      return line + "\n";
  }
  return "";
}

}  // namespace

long linux_version_code(const std::string& release) {
  long part[3] = {0, 0, 0};
  size_t i = 0, k = 0;
  for (; k < 3 && i < release.size(); ++k) {
    size_t start = i;
    while (i < release.size() && release[i] >= '0' && release[i] <= '9') part[k] = part[k] * 10 + (release[i++] - '0');
    if (i == start || i >= release.size() || release[i] != '.') break;
    ++i;
  }
  // Linux: KERNEL_VERSION(a, b, c), with c capped at 255 as the kernel's own macro does.
  return (part[0] << 16) + (part[1] << 8) + std::min(part[2], 255L);
}

JailView view_of(const jail::Record& r, const std::vector<jail::Record>& all, const HostFacts& host) {
  JailView v{r.jid, r.name, r.state == "dying", {}};
  for (const auto& p : conf::all_params())
    if (shown(p)) v.values[std::string(p.name)] = default_value(p, host);
  for (const auto& [name, vals] : r.params)
    if (v.values.contains(name)) v.values[name] = vals;
  v.values["jid"] = {std::to_string(r.jid)};
  v.values["name"] = {r.name};
  v.values["path"] = {r.path};
  v.values["dying"] = {v.dying ? "true" : "false"};
  int parent = 0, children = 0;
  auto dot = r.name.rfind('.');
  for (const auto& o : all) {
    if (dot != std::string::npos && o.name == r.name.substr(0, dot)) parent = o.jid;
    if (o.name.starts_with(r.name + ".")) ++children;
  }
  v.values["parent"] = {std::to_string(parent)};
  v.values["children.cur"] = {std::to_string(children)};
  auto cs = host.cpuset_id.find(r.name);
  v.values["cpuset.id"] = {std::to_string(cs == host.cpuset_id.end() ? 0 : cs->second)};
  if (value(v, "host") == "inherit") v.values["host.hostname"] = {host.hostname};
  for (const char* af : {"ip4.addr", "ip6.addr"}) {
    // FreeBSD: ip4.addr="" sets no address at all.
    std::vector<std::string> kept;
    for (const auto& a : v.values[af])
      if (auto addr = address_only(a); !addr.empty()) kept.push_back(addr);
    v.values[af] = kept;
  }
  return v;
}

Result<void> check_params(const JlsOptions& opt) {
  for (const auto& n : opt.params) {
    bool negated = false;
    if (n != "all" && !lookup(n, &negated)) return fail("unknown parameter: {}", n);
  }
  return {};
}

std::string format_jls(const JlsOptions& opt, const std::vector<JailView>& jails) {
  Mode mode = mode_of(opt);
  std::vector<Column> cols;
  if (mode == Mode::Params) cols = columns(opt);
  std::string text = opt.style == OutputStyle::Text ? header(opt, mode, cols) : "";
  std::vector<XoRecord> recs;
  for (const auto& j : jails) {
    XoRecord rec;
    switch (mode) {
      case Mode::Default: default_row(opt, j, text, rec); break;
      case Mode::Verbose: verbose_row(j, text, rec); break;
      case Mode::Params: params_row(opt, cols, j, text, rec); break;
    }
    recs.push_back(std::move(rec));
  }
  if (opt.style == OutputStyle::Text) return text;
  return encode_jails(recs, opt.style == OutputStyle::Xml, opt.pretty);
}

}  // namespace jails::cli
