// Where a jail's cgroups live, on cgroup v1, v2 or both (this machine has v1
// controllers plus a cgroup2 mount without controllers at /sys/fs/cgroup/unified).
//
// A jail's cgroup is "jail/<name>" below every hierarchy root: each v1 controller
// mount (memory, pids, cpu, cpuacct, cpuset, blkio, devices, freezer) and the cgroup2
// mount. The jail's pid 1 sits in "jail/<name>"; on cgroup2 every other process of the
// jail sits in "jail/<name>/procs", so pid 1 can watch procs/cgroup.events and end a
// non-persistent jail when it empties. On v1 all processes sit in "jail/<name>".
// Limits (rctl) are written at "jail/<name>" and cover both.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/error.h"

namespace jails::kernel {

struct Hierarchy {
  std::string root;         // mount point: "/sys/fs/cgroup/memory", "/sys/fs/cgroup/unified"
  std::vector<std::string> controllers;  // v1: {"memory"}; v2: from cgroup.controllers
  bool v2 = false;
};

struct CgroupLayout {
  std::vector<Hierarchy> hierarchies;  // from /proc/self/mountinfo
  const Hierarchy* v2() const;                        // the cgroup2 mount, or null
  const Hierarchy* find(const std::string& controller) const;  // v1 first, then v2 if enabled there
};

// Reads /proc/self/mountinfo (env JAIL_CGROUP_ROOT is not consulted: tests use the real tree).
const CgroupLayout& cgroup_layout();

// "jail/<name>"
std::string jail_cgroup(const std::string& name);

// Makes "jail/<name>" in every hierarchy (and "procs" below it on cgroup2). On cpuset v1
// it copies cpuset.cpus/mems from the parent so tasks can be attached.
Result<void> cgroup_create(const std::string& rel);
// Moves pid into rel in every hierarchy (rel_v2 on the cgroup2 mount, may differ).
Result<void> cgroup_attach(pid_t pid, const std::string& rel, const std::string& rel_v2);
// Kills everything left (cgroup.kill on v2, else SIGKILL each pid in cgroup.procs), then
// removes the directories, deepest first. Missing directories are not an error.
Result<void> cgroup_destroy(const std::string& rel);
// Pids in rel (v2 recursively if present, else the pids hierarchy), for stop.timeout.
std::vector<pid_t> cgroup_pids(const std::string& rel);
// Reads/writes a control file: cgroup_file("memory", "jail/web", "memory.limit_in_bytes").
std::string cgroup_file(const Hierarchy& h, const std::string& rel, const std::string& file);

}  // namespace jails::kernel
