// The jail's first process, between clone() and exec of jail-init.
//
// It works only from a ChildPlan computed by the parent: every path is already resolved
// inside the jail's root and every string built. It allocates nothing, never throws, and
// on failure writes {step, errno} to the error pipe, so the parent can print
// "web: pivot_root(/jails/web): Invalid argument".
#pragma once

#include <string>
#include <vector>

namespace jails::jail {

struct ChildFailure {
  char step[120];  // what failed, with its argument: "pivot_root(/jails/web)"
  int err;
};

struct ChildPlan {
  std::string root;        // the jail's path, canonical
  bool pivot = true;       // false for path "/": no new root, the host's tree in a private copy
  bool new_cgroup_ns = true;
  bool new_uts = false;
  std::string hostname, domainname;
  std::string proc_dir;    // "" = no procfs; else where to mount it (host path under root)
  std::string sys_dir;     // "" = no sysfs
  std::string dev_dir;     // "" = no devfs
  const void* confine = nullptr;  // kernel::ConfinePlan
  bool fdescfs = false;    // /dev/fd -> /proc/self/fd
  int sync_fd = -1;        // read end: the parent writes one byte once we sit in our cgroups
  int error_fd = -1;       // write end, close-on-exec: a ChildFailure on failure
  int init_fd = -1;        // jail-init, opened on the host
  int null_fd = -1;        // /dev/null of the host: pid 1's stdin, stdout and stderr
  int events_fd = -1;      // cgroup.events of the jail's procs cgroup, for jail-init
  std::vector<std::string> init_args;  // argv of jail-init
  std::vector<const char*> init_argv;  // pointers into init_args, null-terminated

  void seal();  // builds init_argv; call after the last change
};

// The clone() entry point; arg is a ChildPlan*. Never returns on success.
int child_main(void* arg) noexcept;

}  // namespace jails::jail
