#include "conf/expand.h"

#include <algorithm>
#include <array>
#include <list>
#include <unordered_map>

#include <fmt/format.h>

namespace jails::conf {
namespace {

// FreeBSD: jail(8)'s own parameter names (intparams); a $variable may not share one.
constexpr std::array<std::string_view, 45> kInternalNames{
    "allow.dying", "command", "depend", "exec.clean", "exec.consolelog", "exec.fib",
    "exec.jail_user", "exec.poststart", "exec.poststop", "exec.prepare", "exec.prestart",
    "exec.prestop", "exec.release", "exec.created", "exec.start", "exec.stop",
    "exec.system_jail_user", "exec.system_user", "exec.timeout", "interface", "ip_hostname",
    "mount", "mount.devfs", "mount.fdescfs", "mount.procfs", "mount.fstab", "stop.timeout",
    "vnet.interface", "zfs.dataset", "allow.chflags", "allow.mount", "allow.raw_sockets",
    "allow.set_hostname", "allow.socket_af", "allow.sysvipc", "devfs_ruleset",
    "host.hostname", "ip4.addr", "ip6.addr", "jid", "name", "path", "persist", "securelevel",
    "vnet"};

constexpr size_t kMaxValue = 1 << 20;

struct MParam {
  std::string name;
  std::vector<RawString> values;
  bool is_var = false, immutable = false, bad = false;
  int gen = 0;
  Loc loc;
};

class Jail {
 public:
  Jail(std::string name, Loc loc) : name_(std::move(name)), loc_(std::move(loc)) {}

  void fail(const Loc& loc, const std::string& msg) {
    if (error_) return;  // the first problem is the one reported
    std::string who = name_.empty() ? "" : name_ + ": ";
    error_ = Error{fmt::format("{}{}:{}:{}: {}", who, loc.file, loc.line, loc.column, msg), 0};
  }

  bool has(std::string_view pname) const {
    return std::any_of(params_.begin(), params_.end(), [&](const MParam& m) { return same_param(m.name, pname); });
  }

  // FreeBSD add_param.
  void add(const std::string& pname, std::vector<RawString> values, bool is_var, bool append, const Loc& loc) {
    auto dp = std::find_if(params_.begin(), params_.end(), [&](const MParam& m) { return same_param(m.name, pname); });
    if (dp != params_.end()) {
      if (dp->is_var != is_var)
        return fail(loc, fmt::format("variable \"${}\" cannot have the same name as a parameter.", pname));
      if (dp->immutable) return fail(loc, fmt::format("cannot redefine parameter \"{}\".", dp->name));
      dp->name = pname;
      if (!append || values.empty()) dp->values.clear();
      for (auto& v : values) dp->values.push_back(std::move(v));
      dp->loc = loc;
      return;
    }
    MParam np{pname, std::move(values), is_var, false, false, 0, loc};
    for (auto internal : kInternalNames) {
      if (!same_param(pname, internal)) continue;
      if (is_var)
        return fail(loc, fmt::format("variable \"${}\" cannot have the same name as a parameter.", pname));
      np.immutable = internal == "name" || internal == "jid";
      break;
    }
    params_.push_back(std::move(np));
  }

  void add_implied(std::string_view pname, const std::string& value) {
    std::vector<RawString> v{RawString{value, {}}};
    add(std::string(pname), std::move(v), false, true, loc_);
  }

  void substitute();
  JailConf finish();

 private:
  void mark_bad(int gen) {
    for (auto& m : params_)
      if (m.gen == gen) m.bad = true;
  }
  // Returns true when `p` must be restarted at a parameter moved before it.
  bool substitute_one(std::list<MParam>::iterator& p, int gen);
  std::string refusal(const MParam& p, const RawString& s, const VarRef& v, std::list<MParam>::iterator vp,
                      int gen) const;

  std::string name_;
  Loc loc_;
  std::list<MParam> params_;
  std::optional<Error> error_;
};

// The problem with substituting `vp` for a reference in `p`'s string `s`, or "" if none.
std::string Jail::refusal(const MParam& p, const RawString& s, const VarRef& v, std::list<MParam>::iterator vp,
                          int gen) const {
  if (vp == params_.end() || vp->values.empty())
    return fmt::format("{}: variable \"{}\" not found", p.name, v.name);
  if (vp->bad) return "-";  // already reported where it failed
  if (vp->gen == gen) return fmt::format("{}: variable loop", v.name);
  if (vp->values.size() > 1 && (!s.text.empty() || s.vars.size() > 1))
    return fmt::format("{}: array cannot be substituted inline", p.name);
  // Linux: bound what nested variables can build ($b = "$a$a"; $c = "$b$b"; ...).
  if (s.text.size() + vp->values.front().text.size() > kMaxValue)
    return fmt::format("{}: value longer than {} bytes after substitution", p.name, kMaxValue);
  return "";
}

bool Jail::substitute_one(std::list<MParam>::iterator& p, int gen) {
  for (size_t si = 0; si < p->values.size(); ++si) {
    while (!p->values[si].vars.empty()) {
      VarRef v = p->values[si].vars.front();
      auto drop = [&] { p->values[si].vars.erase(p->values[si].vars.begin()); };
      auto vp = std::find_if(params_.begin(), params_.end(), [&](const MParam& m) { return m.name == v.name; });
      bool pending = vp != params_.end() && !vp->bad && vp->gen != gen &&
                     std::any_of(vp->values.begin(), vp->values.end(), [](const RawString& x) { return !x.vars.empty(); });
      if (pending) {
        // FreeBSD: resolve the referenced parameter first, moved just before this one.
        vp->gen = gen;
        params_.splice(p, params_, vp);
        p = vp;
        return true;
      }
      if (std::string why = refusal(*p, p->values[si], v, vp, gen); !why.empty()) {
        if (why != "-") fail(p->loc, why);
        mark_bad(gen), drop();
        continue;
      }
      RawString& s = p->values[si];
      const std::string& first = vp->values.front().text;
      s.text.insert(v.pos, first);
      for (size_t k = 1; k < s.vars.size(); ++k) s.vars[k].pos += first.size();
      drop();
      // FreeBSD crashes on a list used as a whole value; we give the evident meaning: the list.
      std::vector<RawString> rest(vp->values.begin() + 1, vp->values.end());
      p->values.insert(p->values.begin() + si + 1, rest.begin(), rest.end());
      si += rest.size();
    }
  }
  return false;
}

void Jail::substitute() {
  int gen = 0;
  for (auto p = params_.begin(); p != params_.end(); ++p) {
    p->gen = ++gen;
    while (substitute_one(p, gen)) {
    }
  }
}

JailConf Jail::finish() {
  JailConf out;
  out.name = name_;
  out.loc = loc_;
  out.error = error_;
  for (auto& m : params_) {
    if (m.is_var) continue;
    Param p{m.name, {}, m.loc};
    for (auto& v : m.values) p.values.push_back(v.text);
    out.params.push_back(std::move(p));
  }
  return out;
}

bool implies_jid(const std::string& name) {
  // FreeBSD: strtol(name) != 0 and nothing after the number.
  size_t i = (!name.empty() && (name[0] == '-' || name[0] == '+')) ? 1 : 0;
  if (i >= name.size()) return false;
  bool nonzero = false;
  for (; i < name.size(); ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    nonzero |= name[i] != '0';
  }
  return nonzero;
}

JailConf expand_section(const SyntaxTree& tree, const std::vector<size_t>& wild, size_t self) {
  const Section& sec = tree.sections[self];
  Jail j(sec.name, sec.loc);
  j.add_implied(implies_jid(sec.name) ? "jid" : "name", sec.name);
  auto merge = [&](const Section& s) {
    for (const auto& p : s.params) j.add(p.name, p.values, p.is_var, p.append, p.loc);
  };
  bool did_self = false;
  for (size_t w : wild) {
    const Section& ws = tree.sections[w];
    if (self < w && !did_self) {
      merge(sec);
      did_self = true;
    }
    if (wild_match(sec.name, ws.name)) merge(ws);
  }
  if (!did_self) merge(sec);
  if (!j.has("name")) j.add_implied("name", sec.name);
  j.substitute();
  return j.finish();
}

}  // namespace

const Param* JailConf::find(std::string_view param_name) const {
  for (const auto& p : params)
    if (p.name == param_name) return &p;
  return nullptr;
}

const JailConf* Config::find(std::string_view jail_name) const {
  for (const auto& j : jails)
    if (j.name == jail_name) return &j;
  return nullptr;
}

bool same_param(std::string_view a, std::string_view b) {
  auto noeq = [](std::string_view x, std::string_view y) {
    return (x.substr(0, 2) == "no" && x.substr(2) == y) || (y.substr(0, 2) == "no" && y.substr(2) == x);
  };
  if (a == b || noeq(a, b)) return true;
  // FreeBSD: walk common dotted prefixes; "foo.noopt" equals "foo.opt".
  for (size_t dot = a.find('.'); dot != std::string_view::npos; dot = a.find('.')) {
    if (a.substr(0, dot + 1) != b.substr(0, dot + 1)) break;
    a.remove_prefix(dot + 1);
    b.remove_prefix(dot + 1);
    if (noeq(a, b)) return true;
  }
  return false;
}

Config expand(const SyntaxTree& tree) {
  Config out;
  std::vector<size_t> wild;
  for (size_t i = 0; i < tree.sections.size(); ++i)
    if (wild_name(tree.sections[i].name)) wild.push_back(i);
  for (size_t i = 0; i < tree.sections.size(); ++i) {
    if (wild_name(tree.sections[i].name)) continue;
    out.jails.push_back(expand_section(tree, wild, i));
  }
  std::unordered_map<std::string, size_t> first;  // name -> its first jail
  for (size_t i = 0; i < out.jails.size(); ++i) {
    JailConf& j = out.jails[i];
    auto [it, fresh] = first.emplace(j.name, i);
    if (fresh || j.error) continue;
    // FreeBSD would keep both and fail the second at creation ("already exists"); say so now.
    const Loc& at = out.jails[it->second].loc;
    j.error = Error{fmt::format("{}: {}:{}:{}: jail \"{}\" is already defined at {}:{}:{}", j.name, j.loc.file,
                                j.loc.line, j.loc.column, j.name, at.file, at.line, at.column),
                    0};
  }
  // FreeBSD: a jail "a.b" depends on "a" when "a" is defined too.
  for (auto& j : out.jails) {
    size_t dot = j.name.rfind('.');
    if (dot != std::string::npos && first.count(j.name.substr(0, dot)))
      j.implied_depend.push_back(j.name.substr(0, dot));
  }
  return out;
}

JailConf expand_params(const std::vector<RawParam>& params, const Loc& loc) {
  Jail j("", loc);
  for (const auto& p : params) j.add(p.name, p.values, false, true, p.loc);
  j.substitute();
  JailConf out = j.finish();
  out.from_command_line = true;
  if (const Param* n = out.find("name"); n && !n->values.empty()) out.name = n->values.back();
  else if (const Param* id = out.find("jid"); id && !id->values.empty()) out.name = id->values.back();
  return out;
}

}  // namespace jails::conf
