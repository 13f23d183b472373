// Every jail parameter FreeBSD knows (kernel, allow.*, module and jail(8) pseudo-parameters),
// with what it means on Linux. One entry per line in param_table.cc, indexed by ParamId.
//
// Kernel and read-only parameters come first, in FreeBSD's kernel-registration order (the
// order `jls -n all` prints: top-level names sorted, then dotted names sorted); jail(8)'s
// pseudo-parameters follow in FreeBSD's intparams order.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace jails::conf {

enum class ParamType : uint8_t {
  Bool,     // name / noname / name=true|false|integer
  Int,
  String,   // scalar: the last value of a list wins
  List,     // every value kept (ip4.addr, exec.*, mount, depend, ...)
  JailSys,  // inherit / new / disable (host, vnet: inherit / new)
};

enum class ParamKind : uint8_t {
  Kernel,    // a jail property: shown by jls, kept in the record
  ReadOnly,  // shown by jls, never settable (children.cur, cpuset.id, dying, parent)
  Pseudo,    // jail(8) only: exec.*, mount.*, depend, ...
};

enum class LinuxStatus : uint8_t {
  Supported,    // has its FreeBSD meaning here
  DefaultOnly,  // accepted only at the values in `accepted` (its default / off value)
  Unsupported,  // refused whatever the value
};

enum class ParamId : uint8_t {
  // Kernel, top level (sorted)
  devfs_ruleset, dying, enforce_statfs, env, host, ip4, ip6, jid, linux, meta, name,
  osreldate, osrelease, parent, path, persist, securelevel, sysvmsg, sysvsem, sysvshm, vnet,
  // Kernel, dotted (sorted)
  allow_adjtime, allow_chflags, allow_extattr, allow_mlock, allow_mount, allow_mount_devfs,
  allow_mount_fdescfs, allow_mount_fusefs, allow_mount_linprocfs, allow_mount_linsysfs,
  allow_mount_nullfs, allow_mount_procfs, allow_mount_tmpfs, allow_mount_zfs, allow_nfsd,
  allow_quotas, allow_raw_sockets, allow_read_msgbuf, allow_reserved_ports, allow_routing,
  allow_set_hostname, allow_setaudit, allow_settime, allow_socket_af, allow_suser,
  allow_sysvipc, allow_unprivileged_parent_tampering, allow_unprivileged_proc_debug,
  allow_vmm, allow_vmm_ppt, children_cur, children_max, cpuset_id, host_domainname,
  host_hostid, host_hostname, host_hostuuid, ip4_addr, ip4_saddrsel, ip6_addr, ip6_saddrsel,
  linux_osname, linux_osrelease, linux_oss_version, mac_label, zfs_mount_snapshot,
  // jail(8) pseudo-parameters
  allow_dying, command, depend, exec_clean, exec_consolelog, exec_fib, exec_jail_user,
  exec_poststart, exec_poststop, exec_prepare, exec_prestart, exec_prestop, exec_release,
  exec_created, exec_start, exec_stop, exec_system_jail_user, exec_system_user, exec_timeout,
  interface, ip_hostname, mount, mount_devfs, mount_fdescfs, mount_procfs, mount_fstab,
  stop_timeout, vnet_interface, zfs_dataset,
  // Linux extensions (docs/network.md): a veth pair, bridge, NAT and port redirection
  x_bridge, x_bridge_addr, x_defaultrouter, x_defaultrouter6, x_nat, x_rdr, x_veth, x_veth_addr,
  count_
};

struct ParamInfo {
  ParamId id;
  std::string_view name;       // exactly as in jail(8)
  ParamType type;
  ParamKind kind;
  std::string_view def;        // FreeBSD's default as text; "" = inherited / unset
  bool live;                   // can change on a running jail here (jail -m)
  LinuxStatus status;
  std::string_view accepted;   // DefaultOnly: the values accepted, comma-separated
  std::string_view note;       // what it does here, or why it cannot
};

// The whole table, in ParamId order.
std::span<const ParamInfo> all_params();
const ParamInfo& param_info(ParamId id);

// Finds a parameter by its exact canonical name ("allow.mount"), nullptr if unknown.
// Keyed forms "meta.KEY" and "env.KEY" find meta / env.
const ParamInfo* find_param(std::string_view name);

// Finds a parameter as written in jail.conf: exact name, or a boolean spelled with "no"
// on its last component ("allow.nomount", "nopersist"); *negated tells which.
const ParamInfo* lookup_param(std::string_view written, bool* negated);

// The known name closest to a misspelt one ("allow.raw_socket" -> "allow.raw_sockets"),
// or "" if none is close.
std::string suggest_param(std::string_view written);

// True for jls -s: a kernel parameter that can be set (not read-only).
inline bool settable(const ParamInfo& p) { return p.kind == ParamKind::Kernel; }

std::string_view status_name(LinuxStatus s);

}  // namespace jails::conf
