// The typed, checked description of one jail: what conf/ hands to jail/.
//
// conf/ builds it from jail.conf or command-line parameters (resolve.h); jail/ plans and
// runs it and never sees jail.conf text. Every value here has already been checked
// (types, ranges, unsupported parameters refused); `params` keeps every parameter as
// resolved strings, in the parameter table's order, for `jail -e`, `jls -n` and records.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jails::conf {

struct Loc {
  std::string file;  // "/etc/jail.conf", "STDIN", or "command line"
  int line = 0;      // 1-based; 0 when not from a file
  int column = 0;
};

// One resolved parameter: canonical name ("allow.mount", never "allow.nomount") and its
// value list after variable expansion. A boolean is stored as a single "true"/"false".
struct Param {
  std::string name;
  std::vector<std::string> values;
  Loc loc;
};

enum class NsMode { Inherit, New, Disable };  // host, ip4, ip6, vnet, sysv*

struct JailSpec {
  // Identity
  std::string name;  // never empty after resolve (defaults to the jid's text)
  int jid = 0;       // 0: allocate
  std::string path;  // absolute; "/" allowed
  std::vector<std::string> depend;  // plus the implied parent of a dotted name
  Loc loc;           // where the jail's section starts (or command line)

  // UTS
  NsMode host = NsMode::New;
  std::string hostname, domainname, hostuuid;
  std::optional<int64_t> hostid;

  // Network (issue 3 builds on these). With vnet = New, ip4 and ip6 are Inherit and the
  // address lists empty (FreeBSD: "vnet jails cannot have IP address restrictions").
  NsMode ip4 = NsMode::New, ip6 = NsMode::New, vnet = NsMode::Inherit;
  std::vector<std::string> ip4_addr, ip6_addr;  // as written, "IF|ADDR/MASK extra" allowed
  bool ip4_saddrsel = true, ip6_saddrsel = true;
  std::string interface;
  bool ip_hostname = false;
  std::vector<std::string> vnet_interface;

  // IPC
  NsMode sysvmsg = NsMode::Disable, sysvsem = NsMode::Disable, sysvshm = NsMode::Disable;

  // Security
  int enforce_statfs = 2;
  int securelevel = -1;
  int devfs_ruleset = 0;
  int children_max = 0;
  std::map<std::string, bool> allow;  // every allow.* with its value, defaults included

  // Lifecycle
  bool persist = false;
  std::vector<std::string> exec_prepare, exec_prestart, exec_created, exec_start, command,
      exec_poststart, exec_prestop, exec_stop, exec_poststop, exec_release;
  bool command_is_argv = false;  // command= from jail(8)'s argv: exec verbatim, no shell
  bool exec_clean = false;
  std::string exec_jail_user, exec_system_user;
  bool exec_system_jail_user = false;
  int exec_timeout = 0;  // seconds, 0 = none
  std::string exec_consolelog;
  int exec_fib = -1;
  int stop_timeout = 10;

  // Mounts
  std::vector<std::string> mount;  // fstab lines
  std::string mount_fstab;
  bool mount_devfs = false, mount_fdescfs = false, mount_procfs = false;

  // FreeBSD 15 meta / env: "key=value\n" lines, after meta.KEY / env.KEY edits.
  std::string meta, env;

  // Everything, as resolved strings in table order (jail -e, jls -n, the state record).
  std::vector<Param> params;

  bool allowed(const std::string& what) const {  // allowed("allow.raw_sockets")
    auto it = allow.find(what);
    return it != allow.end() && it->second;
  }
  const Param* find(const std::string& param_name) const {
    for (const auto& p : params)
      if (p.name == param_name) return &p;
    return nullptr;
  }
};

}  // namespace jails::conf
