#include "conf/param_table.h"

#include <algorithm>
#include <array>
#include <vector>

namespace jails::conf {
namespace {

using enum ParamId;
constexpr auto B = ParamType::Bool, I = ParamType::Int, S = ParamType::String,
               L = ParamType::List, J = ParamType::JailSys;
constexpr auto K = ParamKind::Kernel, RO = ParamKind::ReadOnly, PS = ParamKind::Pseudo;
constexpr auto OK = LinuxStatus::Supported, DEF = LinuxStatus::DefaultOnly,
               NO = LinuxStatus::Unsupported;

// clang-format off
constexpr std::array<ParamInfo, static_cast<size_t>(ParamId::count_)> kTable{{
  // id                    name                      type kind default   live status accepted  note
  {devfs_ruleset,         "devfs_ruleset",           I, K,  "0",       false, DEF, "0,4,5", "0 = none, 4 = devfsrules_jail, 5 = devfsrules_jail_vnet (4 plus pf, which Linux lacks): all give the minimal private /dev; other rulesets have no equivalent"},
  {dying,                 "dying",                   B, RO, "false",   false, OK,  "",      "true while the jail is being removed"},
  {enforce_statfs,        "enforce_statfs",          I, K,  "2",       false, OK,  "",      "mount visibility through the jail's mount namespace: 2 only its root, 1 mounts below its root, 0 all"},
  {env,                   "env",                     S, K,  "",        true,  OK,  "",      "free-form key=value text (env.KEY sets one key); kept in the record; not readable from inside (Linux has no security.jail.env sysctl)"},
  {host,                  "host",                    J, K,  "new",     false, OK,  "",      "new = own UTS namespace, inherit = the host's hostname"},
  {ip4,                   "ip4",                     J, K,  "new",     false, OK,  "",      "new = only ip4.addr (none if empty), inherit = every host address, disable = no IPv4"},
  {ip6,                   "ip6",                     J, K,  "new",     false, OK,  "",      "as ip4, for IPv6"},
  {jid,                   "jid",                     I, K,  "",        false, OK,  "",      "jail id, allocated when 0 or unset"},
  {linux,                 "linux",                   J, K,  "",        false, DEF, "inherit,new", "FreeBSD's Linux ABI switch: the ABI is native here and cannot be disabled"},
  {meta,                  "meta",                    S, K,  "",        true,  OK,  "",      "free-form key=value text (meta.KEY sets one key); kept in the record, hidden from the jail"},
  {name,                  "name",                    S, K,  "",        false, OK,  "",      "jail name; \"a.b\" is child b of jail a"},
  {osreldate,             "osreldate",               I, K,  "",        false, NO,  "",      "Linux has no per-jail kernel version (uname is the host's)"},
  {osrelease,             "osrelease",               S, K,  "",        false, NO,  "",      "Linux has no per-jail uname -r"},
  {parent,                "parent",                  I, RO, "0",       false, OK,  "",      "jid of the parent jail, 0 at top level"},
  {path,                  "path",                    S, K,  "/",       false, OK,  "",      "root directory: mount namespace + pivot_root"},
  {persist,               "persist",                 B, K,  "false",   true,  OK,  "",      "the jail lives without processes (its pid 1 stays)"},
  {securelevel,           "securelevel",             I, K,  "-1",      false, OK,  "",      "approximated: a jail never has CAP_SYS_MODULE, CAP_SYS_RAWIO or disks; >= 1 also drops CAP_LINUX_IMMUTABLE and CAP_SYS_TIME"},
  {sysvmsg,               "sysvmsg",                 J, K,  "disable", false, OK,  "",      "inherit = host IPC namespace, new = own IPC namespace, disable = msg* syscalls refused (seccomp)"},
  {sysvsem,               "sysvsem",                 J, K,  "disable", false, OK,  "",      "as sysvmsg, for sem*; Linux has one IPC namespace for all three, so inherit and new cannot be mixed"},
  {sysvshm,               "sysvshm",                 J, K,  "disable", false, OK,  "",      "as sysvmsg, for shm*"},
  {vnet,                  "vnet",                    J, K,  "inherit", false, OK,  "",      "new = own network namespace"},
  {allow_adjtime,         "allow.adjtime",           B, K,  "false",   false, OK,  "",      "CAP_SYS_TIME for adjtime/adjtimex (only without a user namespace)"},
  {allow_chflags,         "allow.chflags",           B, K,  "false",   false, OK,  "",      "CAP_LINUX_IMMUTABLE: chattr +i/+a"},
  {allow_extattr,         "allow.extattr",           B, K,  "false",   false, DEF, "false", "trusted.* xattrs need CAP_SYS_ADMIN on Linux, which gives far more than FreeBSD's allow.extattr"},
  {allow_mlock,           "allow.mlock",             B, K,  "false",   false, OK,  "",      "CAP_IPC_LOCK"},
  {allow_mount,           "allow.mount",             B, K,  "false",   false, OK,  "",      "mount(2) inside the jail's mount namespace, of the allow.mount.* types; needs enforce_statfs < 2"},
  {allow_mount_devfs,     "allow.mount.devfs",       B, K,  "false",   false, DEF, "false", "Linux has no devfs to mount from inside; the jail's /dev comes from mount.devfs"},
  {allow_mount_fdescfs,   "allow.mount.fdescfs",     B, K,  "false",   false, DEF, "false", "Linux has no fdescfs; /dev/fd is /proc/self/fd"},
  {allow_mount_fusefs,    "allow.mount.fusefs",      B, K,  "false",   false, OK,  "",      "FUSE mounts, /dev/fuse in the jail's /dev"},
  {allow_mount_linprocfs, "allow.mount.linprocfs",   B, K,  "false",   false, OK,  "",      "mount proc"},
  {allow_mount_linsysfs,  "allow.mount.linsysfs",    B, K,  "false",   false, OK,  "",      "mount sysfs (vnet jails only)"},
  {allow_mount_nullfs,    "allow.mount.nullfs",      B, K,  "false",   false, OK,  "",      "bind mounts"},
  {allow_mount_procfs,    "allow.mount.procfs",      B, K,  "false",   false, OK,  "",      "mount proc"},
  {allow_mount_tmpfs,     "allow.mount.tmpfs",       B, K,  "false",   false, OK,  "",      "mount tmpfs"},
  {allow_mount_zfs,       "allow.mount.zfs",         B, K,  "false",   false, DEF, "false", "ZFS datasets cannot be delegated to a jail here"},
  {allow_nfsd,            "allow.nfsd",              B, K,  "false",   false, DEF, "false", "Linux's kernel NFS server cannot be run from inside a jail"},
  {allow_quotas,          "allow.quotas",            B, K,  "false",   false, DEF, "false", "quotactl(2) needs CAP_SYS_ADMIN on Linux, far more than quota administration"},
  {allow_raw_sockets,     "allow.raw_sockets",       B, K,  "false",   false, OK,  "",      "CAP_NET_RAW (ping, traceroute)"},
  {allow_read_msgbuf,     "allow.read_msgbuf",       B, K,  "false",   false, OK,  "",      "CAP_SYSLOG: dmesg"},
  {allow_reserved_ports,  "allow.reserved_ports",    B, K,  "true",    false, OK,  "",      "CAP_NET_BIND_SERVICE: bind ports below 1024"},
  {allow_routing,         "allow.routing",           B, K,  "false",   false, DEF, "false", "changing the host's routes needs CAP_NET_ADMIN on the host stack, far more than routing; use vnet"},
  {allow_set_hostname,    "allow.set_hostname",      B, K,  "true",    false, OK,  "",      "sethostname(2) in the jail's UTS namespace"},
  {allow_setaudit,        "allow.setaudit",          B, K,  "false",   false, OK,  "",      "CAP_AUDIT_CONTROL: set the audit login uid"},
  {allow_settime,         "allow.settime",           B, K,  "false",   false, OK,  "",      "CAP_SYS_TIME: set the clock (only without a user namespace); implies allow.adjtime"},
  {allow_socket_af,       "allow.socket_af",         B, K,  "false",   false, OK,  "",      "when off, socket(2) is limited to AF_INET, AF_INET6, AF_UNIX and AF_NETLINK (seccomp)"},
  {allow_suser,           "allow.suser",             B, K,  "true",    false, OK,  "",      "when off, root in the jail has no capabilities"},
  {allow_sysvipc,         "allow.sysvipc",           B, K,  "false",   false, OK,  "",      "deprecated: sysvmsg, sysvsem and sysvshm default to inherit"},
  {allow_unprivileged_parent_tampering, "allow.unprivileged_parent_tampering", B, K, "false", false, DEF, "false", "jail processes run under the jail's own credentials; host users cannot be given this right selectively"},
  {allow_unprivileged_proc_debug, "allow.unprivileged_proc_debug", B, K, "true", false, OK, "", "when off, ptrace(2) and process_vm_* are refused to non-root users (seccomp)"},
  {allow_vmm,             "allow.vmm",               B, K,  "false",   false, OK,  "",      "/dev/kvm in the jail's /dev and the device cgroup"},
  {allow_vmm_ppt,         "allow.vmm_ppt",           B, K,  "false",   false, DEF, "false", "PCI passthrough (VFIO) devices are not delegated to jails"},
  {children_cur,          "children.cur",            I, RO, "0",       false, OK,  "",      "number of descendant jails"},
  {children_max,          "children.max",            I, K,  "0",       false, OK,  "",      "descendant jails allowed (nested namespaces)"},
  {cpuset_id,             "cpuset.id",               I, RO, "",        false, OK,  "",      "the jail's cpuset cgroup"},
  {host_domainname,       "host.domainname",         S, K,  "",        true,  OK,  "",      "setdomainname(2) in the jail's UTS namespace"},
  {host_hostid,           "host.hostid",             I, K,  "",        false, NO,  "",      "gethostid(3) reads the jail's own /etc/hostid; there is no kernel host id to set"},
  {host_hostname,         "host.hostname",           S, K,  "",        true,  OK,  "",      "sethostname(2) in the jail's UTS namespace"},
  {host_hostuuid,         "host.hostuuid",           S, K,  "",        false, NO,  "",      "Linux has no per-namespace host UUID; the jail's /etc/machine-id is in its own tree"},
  {ip4_addr,              "ip4.addr",                L, K,  "",        false, OK,  "",      "addresses the jail may use (cgroup-BPF bind/connect hooks); IF|ADDR/MASK adds an alias on IF"},
  {ip4_saddrsel,          "ip4.saddrsel",            B, K,  "true",    false, OK,  "",      "off: always use the first ip4.addr as source"},
  {ip6_addr,              "ip6.addr",                L, K,  "",        false, OK,  "",      "as ip4.addr, for IPv6"},
  {ip6_saddrsel,          "ip6.saddrsel",            B, K,  "true",    false, OK,  "",      "as ip4.saddrsel"},
  {linux_osname,          "linux.osname",            S, K,  "",        false, NO,  "",      "Linux has no per-jail uname"},
  {linux_osrelease,       "linux.osrelease",         S, K,  "",        false, NO,  "",      "Linux has no per-jail uname -r"},
  {linux_oss_version,     "linux.oss_version",       I, K,  "",        false, NO,  "",      "FreeBSD Linuxulator OSS version: no equivalent"},
  {mac_label,             "mac.label",               S, K,  "",        false, NO,  "",      "no mac(4) labels on Linux"},
  {zfs_mount_snapshot,    "zfs.mount_snapshot",      B, K,  "false",   false, DEF, "false", "ZFS snapshots are not delegated to jails here"},
  {allow_dying,           "allow.dying",             B, PS, "false",   false, OK,  "",      "deprecated in FreeBSD, no effect"},
  {command,               "command",                 L, PS, "",        false, OK,  "",      "run in the jail after exec.start; from the command line: argv, no shell"},
  {depend,                "depend",                  L, PS, "",        false, OK,  "",      "jails created before this one and removed after it"},
  {exec_clean,            "exec.clean",              B, PS, "false",   false, OK,  "",      "run commands in a clean environment"},
  {exec_consolelog,       "exec.consolelog",         S, PS, "",        false, OK,  "",      "file for the output of in-jail commands (absolute path)"},
  {exec_fib,              "exec.fib",                I, PS, "",        false, DEF, "0",     "FIBs are routing tables; on Linux routing is per network namespace (use vnet)"},
  {exec_jail_user,        "exec.jail_user",          S, PS, "",        false, OK,  "",      "user for in-jail commands, from the jail's passwd"},
  {exec_poststart,        "exec.poststart",          L, PS, "",        false, OK,  "",      "host commands after exec.start and command"},
  {exec_poststop,         "exec.poststop",           L, PS, "",        false, OK,  "",      "host commands after removal"},
  {exec_prepare,          "exec.prepare",            L, PS, "",        false, OK,  "",      "host commands before addresses and mounts"},
  {exec_prestart,         "exec.prestart",           L, PS, "",        false, OK,  "",      "host commands before creation"},
  {exec_prestop,          "exec.prestop",            L, PS, "",        false, OK,  "",      "host commands before removal"},
  {exec_release,          "exec.release",            L, PS, "",        false, OK,  "",      "host commands after unmounting and removing addresses"},
  {exec_created,          "exec.created",            L, PS, "",        false, OK,  "",      "host commands right after creation"},
  {exec_start,            "exec.start",              L, PS, "",        false, OK,  "",      "commands run in the jail at creation"},
  {exec_stop,             "exec.stop",               L, PS, "",        false, OK,  "",      "commands run in the jail before removal"},
  {exec_system_jail_user, "exec.system_jail_user",   B, PS, "false",   false, OK,  "",      "look exec.jail_user up in the host's passwd"},
  {exec_system_user,      "exec.system_user",        S, PS, "",        false, OK,  "",      "user for host commands"},
  {exec_timeout,          "exec.timeout",            I, PS, "0",       false, OK,  "",      "seconds a command may run, 0 = no limit"},
  {interface,             "interface",               S, PS, "",        false, OK,  "",      "host interface for ip4.addr/ip6.addr aliases"},
  {ip_hostname,           "ip_hostname",             B, PS, "false",   false, OK,  "",      "add the addresses host.hostname resolves to"},
  {mount,                 "mount",                   L, PS, "",        false, OK,  "",      "fstab lines mounted before creation, unmounted after removal"},
  {mount_devfs,           "mount.devfs",             B, PS, "false",   false, OK,  "",      "a private minimal /dev (tmpfs, standard nodes, own devpts)"},
  {mount_fdescfs,         "mount.fdescfs",           B, PS, "false",   false, OK,  "",      "/dev/fd as a link to /proc/self/fd"},
  {mount_procfs,          "mount.procfs",            B, PS, "false",   false, OK,  "",      "proc on PATH/proc"},
  {mount_fstab,           "mount.fstab",             S, PS, "",        false, OK,  "",      "an fstab file of mounts"},
  {stop_timeout,          "stop.timeout",            I, PS, "10",      false, OK,  "",      "seconds between SIGTERM and removal, 0 = no SIGTERM"},
  {vnet_interface,        "vnet.interface",          L, PS, "",        false, OK,  "",      "host interfaces moved into the vnet jail's network namespace"},
  {zfs_dataset,           "zfs.dataset",             L, PS, "",        false, DEF, "",      "ZFS datasets cannot be attached to a jail here (no zfs jail); use jailctl datasets as path"},
  {x_bridge,              "x.bridge",                S, PS, "",        false, OK,  "",      "Linux extension: bridge the jail's veth joins, made if missing"},
  {x_bridge_addr,         "x.bridge.addr",           L, PS, "",        false, OK,  "",      "Linux extension: addresses of a bridge this jail makes"},
  {x_defaultrouter,       "x.defaultrouter",         S, PS, "",        false, OK,  "",      "Linux extension: the VNET jail's IPv4 default route"},
  {x_defaultrouter6,      "x.defaultrouter6",        S, PS, "",        false, OK,  "",      "Linux extension: the VNET jail's IPv6 default route"},
  {x_nat,                 "x.nat",                   B, PS, "false",   false, OK,  "",      "Linux extension: masquerade the jail's addresses going out"},
  {x_rdr,                 "x.rdr",                   L, PS, "",        false, OK,  "",      "Linux extension: port redirections from the host into the jail"},
  {x_veth,                "x.veth",                  B, PS, "false",   false, OK,  "",      "Linux extension: a veth pair for a VNET jail (FreeBSD's epair)"},
  {x_veth_addr,           "x.veth.addr",             L, PS, "",        false, OK,  "",      "Linux extension: the VNET jail's own addresses"},
}};
// clang-format on

static_assert([] {
  for (size_t i = 0; i < kTable.size(); ++i)
    if (static_cast<size_t>(kTable[i].id) != i) return false;
  return true;
}(), "param table out of ParamId order");

// Levenshtein distance (names are short).
size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::span<const ParamInfo> all_params() { return kTable; }

const ParamInfo& param_info(ParamId id) { return kTable[static_cast<size_t>(id)]; }

const ParamInfo* find_param(std::string_view name) {
  for (const auto& p : kTable)
    if (p.name == name) return &p;
  // FreeBSD 15: meta.KEY / env.KEY set one key of the meta / env buffers.
  if (name.starts_with("meta.") && name.size() > 5) return &param_info(ParamId::meta);
  if (name.starts_with("env.") && name.size() > 4) return &param_info(ParamId::env);
  return nullptr;
}

const ParamInfo* lookup_param(std::string_view written, bool* negated) {
  *negated = false;
  if (const ParamInfo* p = find_param(written)) return p;
  // FreeBSD (bool_param, libjail's nononame): "no" before the last component negates a
  // boolean ("allow.nomount", "allow.mount.nodevfs", "nopersist"); "novnet" is unknown.
  size_t last = written.rfind('.');
  last = last == std::string_view::npos ? 0 : last + 1;
  if (written.substr(last, 2) != "no") return nullptr;
  std::string name = std::string(written.substr(0, last)) + std::string(written.substr(last + 2));
  const ParamInfo* p = find_param(name);
  if (!p || p->type != ParamType::Bool) return nullptr;
  *negated = true;
  return p;
}

std::string suggest_param(std::string_view written) {
  std::string_view best;
  size_t best_d = std::max<size_t>(2, written.size() / 4) + 1;
  for (const auto& p : kTable) {
    size_t d = distance(written, p.name);
    if (d < best_d) {
      best_d = d;
      best = p.name;
    }
  }
  return std::string(best);
}

std::string_view status_name(LinuxStatus s) {
  switch (s) {
    case LinuxStatus::Supported: return "supported";
    case LinuxStatus::DefaultOnly: return "default only";
    case LinuxStatus::Unsupported: return "unsupported";
  }
  return "";
}

}  // namespace jails::conf
