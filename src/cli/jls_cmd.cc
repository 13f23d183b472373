// jls(8): list jails. Arguments here, the formats in jls_format.cc, the jails from the
// state records (jail/lifecycle.h), which reaps the stale ones on the way.
#include <sys/stat.h>
#include <sys/utsname.h>

#include <cstdio>

#include "base/text.h"
#include "cli/jls_format.h"
#include "jail/lifecycle.h"
#include "kernel/cgroup.h"

namespace jails::cli {
namespace {

constexpr const char* kUsage = "usage: jls [-cdhNnqsv] [-j jail] [param ...]";

// libxo's xo_parse_args: "json", "xml,pretty", "text"; or the letters of --libxo:JP.
Result<void> libxo_option(const std::string& spec, bool letters, JlsOptions& o) {
  if (letters) {
    for (char c : spec) {
      switch (c) {
        case 'J': o.style = OutputStyle::Json; break;
        case 'X': o.style = OutputStyle::Xml; break;
        case 'T': o.style = OutputStyle::Text; break;
        case 'P': o.pretty = true; break;
        default: return fail("unknown libxo option value: '{}'", std::string(1, c));
      }
    }
    return {};
  }
  for (const auto& w : split(spec, ',')) {
    if (w == "json") o.style = OutputStyle::Json;
    else if (w == "xml") o.style = OutputStyle::Xml;
    else if (w == "text") o.style = OutputStyle::Text;
    else if (w == "pretty") o.pretty = true;
    else return fail("unknown libxo option value: '{}'", w);
  }
  return {};
}

// FreeBSD's getopt: the flags combine in the order given (PRINT_* arithmetic in jls.c).
void apply_flag(char c, JlsOptions& o) {
  switch (c) {
    case 'a': case 'd': o.dying = true; break;
    case 'c': o.check = true; break;
    case 'h': o.header = true; o.skip = o.verbose = false; break;
    case 'N': o.jail_name = true; break;
    case 'n': o.nameval = true; o.verbose = false; break;
    case 'q': o.quoted = true; break;
    case 's': o.nameval = o.quoted = o.skip = true; o.header = o.verbose = false; break;
    case 'v': o.verbose = true; o.header = o.nameval = o.skip = false; break;
  }
}

}  // namespace

Result<JlsOptions> parse_jls_args(const std::vector<std::string>& args) {
  JlsOptions o;
  // xo_parse_args takes --libxo out of argv before getopt sees it.
  std::vector<std::string> rest;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      rest.insert(rest.end(), args.begin() + i, args.end());
      break;
    }
    if (a == "--libxo") {
      if (i + 1 == args.size()) return fail("--libxo needs a format\njls: {}", kUsage);
      TRY(libxo_option(args[++i], false, o));
    } else if (a.starts_with("--libxo=") || a.starts_with("--libxo:")) {
      TRY(libxo_option(a.substr(8), a[7] == ':', o));
    } else {
      rest.push_back(a);
    }
  }
  size_t i = 0;
  for (; i < rest.size(); ++i) {
    const std::string& a = rest[i];
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;  // FreeBSD's getopt stops at the first operand
    for (size_t k = 1; k < a.size(); ++k) {
      char c = a[k];
      if (c == 'j') {
        if (k + 1 < a.size()) o.jail = a.substr(k + 1);
        else if (i + 1 < rest.size()) o.jail = rest[++i];
        else return fail("option requires an argument -- j\njls: {}", kUsage);
        break;
      }
      if (std::string_view("acdhNnqsv").find(c) == std::string_view::npos)
        return fail("illegal option -- {}\njls: {}", c, kUsage);
      apply_flag(c, o);
    }
  }
  o.params.assign(rest.begin() + i, rest.end());
  // FreeBSD: named parameters replace the -v summary.
  if (!o.params.empty()) o.verbose = false;
  return o;
}

namespace {

// FreeBSD's -j: all digits and not 0 is a jid, anything else a name.
std::optional<int> jid_key(const std::string& key) {
  auto n = parse_int(key);
  if (!n || *n <= 0 || key.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
  return static_cast<int>(*n);
}

// The kernel's words (jail_get(2)'s errmsg), which FreeBSD's jls prints.
std::string lookup_error(const std::string& key, const char* what) {
  if (auto jid = jid_key(key)) return fmt::format("jail {} {}", *jid, what);
  return fmt::format("jail \"{}\" {}", key, what);
}

// Linux: cpusets are cgroups, known by their directory's inode (the kernfs id).
unsigned long long cpuset_id(const jail::Record& r) {
  const auto& layout = kernel::cgroup_layout();
  const kernel::Hierarchy* h = layout.find("cpuset");
  if (!h) h = layout.v2();
  struct stat st;
  if (!h || r.cgroup.empty() || ::stat((h->root + "/" + r.cgroup).c_str(), &st) < 0) return 0;
  return st.st_ino;
}

HostFacts host_facts(const std::vector<jail::Record>& shown) {
  HostFacts h;
  struct utsname u;
  if (::uname(&u) == 0) {
    h.sysname = u.sysname;
    h.release = u.release;
    h.hostname = u.nodename;
  }
  for (const auto& r : shown) h.cpuset_id[r.name] = cpuset_id(r);
  return h;
}

// The jails -j and -d select; an error names the jail as the kernel would.
Result<std::vector<jail::Record>> select(const JlsOptions& opt, const std::vector<jail::Record>& all) {
  std::vector<jail::Record> out;
  if (opt.jail.empty()) {
    for (const auto& r : all)
      if (opt.dying || r.state != "dying") out.push_back(r);
    return out;
  }
  auto jid = jid_key(opt.jail);
  for (const auto& r : all) {
    if (jid ? r.jid != *jid : r.name != opt.jail) continue;
    if (r.state == "dying" && !opt.dying) return fail("{}", lookup_error(opt.jail, "is dying"));
    out.push_back(r);
    return out;
  }
  return fail("{}", lookup_error(opt.jail, "not found"));
}

}  // namespace

}  // namespace jails::cli

int jls_main(int argc, char** argv) {
  using namespace jails;
  using namespace jails::cli;
  auto opt = parse_jls_args(std::vector<std::string>(argv + (argc > 0), argv + argc));
  if (!opt) {
    std::fprintf(stderr, "jls: %s\n", opt.error().what().c_str());
    return 1;
  }
  if (auto ok = check_params(*opt); !ok) {
    std::fprintf(stderr, "jls: %s\n", ok.error().what().c_str());
    return 1;
  }
  auto all = jail::live_records();
  auto chosen = all ? select(*opt, *all) : std::unexpected(all.error());
  if (opt->check) return chosen && !chosen->empty() ? 0 : 1;
  if (!chosen) {
    // FreeBSD prints the header before it looks the jail up.
    if (opt->style == OutputStyle::Text) std::fputs(format_jls(*opt, {}).c_str(), stdout);
    std::fflush(stdout);
    std::fprintf(stderr, "jls: %s\n", chosen.error().what().c_str());
    return 1;
  }
  HostFacts host = host_facts(*chosen);
  std::vector<JailView> views;
  for (const auto& r : *chosen) views.push_back(view_of(r, *all, host));
  std::fputs(format_jls(*opt, views).c_str(), stdout);
  return std::fflush(stdout) == 0 ? 0 : 1;
}
