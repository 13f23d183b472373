// A jail's confinement: which capabilities root keeps, the seccomp filter, and the /dev
// and device-cgroup plan, computed in the parent from FreeBSD's allow.* switches, then
// applied in the child with no allocation.
//
// Without a user namespace (issue 2), root in the jail is host uid 0: it keeps the
// capabilities a FreeBSD jail's root has (plus CAP_SYS_ADMIN only because sethostname(2)
// needs it), and the seccomp filter refuses what those capabilities would give beyond
// FreeBSD's jail. docs/confinement.md holds the full argument.
//
// User-namespace step (later issue): the child will setns/unshare CLONE_NEWUSER and write
// its id maps before apply_confinement(); keep_caps then applies inside the namespace,
// CAP_SYS_ADMIN no longer reaches the host, and the filter's mount/sethostname rows can be
// relaxed. ConfineOptions::user_namespace is reserved for it and refused today.
#pragma once

#include <linux/filter.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/error.h"
#include "kernel/devfs.h"
#include "kernel/seccomp.h"

namespace jails::kernel {

struct ConfineOptions {
  // "allow.raw_sockets" -> true. A missing key takes FreeBSD's default: on for
  // allow.set_hostname, allow.reserved_ports, allow.unprivileged_proc_debug, allow.suser.
  std::map<std::string, bool> allow;
  bool sysvmsg_disabled = true, sysvsem_disabled = true, sysvshm_disabled = true;
  int enforce_statfs = 2;     // FreeBSD: allow.mount works only below 2
  bool fdescfs = false;       // mount.fdescfs
  // host = new: the jail has its own UTS namespace. With host = inherit, sethostname would
  // rename the host (FreeBSD does walk up to the parent there); here allow.set_hostname
  // touches only the jail's own name, so without one it is refused.
  bool uts_namespace = true;
  bool user_namespace = false;  // reserved for the user-namespace issue
};

struct ConfinePlan {
  uint64_t keep_caps = 0;          // bounding = permitted = effective; inheritable = 0
  int last_cap = 40;               // of the running kernel
  SeccompPolicy policy;            // what the filter below was compiled from
  std::vector<sock_filter> filter; // classic BPF from libseccomp
  DevfsPlan devfs;                 // extra nodes and fd links for mount.devfs
  std::vector<std::string> warnings;  // for the tool to print: "allow.mount: ..."
};

// The capabilities root keeps for a set of switches (pure; the plan's keep_caps).
uint64_t jail_capabilities(const ConfineOptions& o);
// The seccomp policy for a set of switches (pure).
SeccompPolicy jail_seccomp_policy(const ConfineOptions& o);

// Checks the switches and compiles the filter. An allow.* this layer cannot honour is an
// error naming it and why.
Result<ConfinePlan> plan_confinement(const ConfineOptions& o);

// In the child, after the jail's procfs is mounted at proc_dir (a host path, before
// pivot_root): hides what CAP_SYS_ADMIN would read or write through /proc beyond a FreeBSD
// jail's reach, by binding /dev/null over files (kmsg unless allow.read_msgbuf, kpage*,
// timer_list, sched_debug, mtrr, keys) and an empty read-only tmpfs over directories (acpi,
// scsi, driver). Entries the kernel does not have are skipped. 0 or an errno, naming the step.
int mask_proc(const char* proc_dir, const ConfinePlan& plan, const char** failed_step) noexcept;

// In the child, last before execve: installs the filter (while CAP_SYS_ADMIN is still held,
// so no NO_NEW_PRIVS), then drops capabilities (the filter lets prctl/capset through).
// Returns 0 or an errno and names the failed step. Never throws, never allocates.
int apply_confinement(const ConfinePlan& plan, const char** failed_step) noexcept;

}  // namespace jails::kernel
