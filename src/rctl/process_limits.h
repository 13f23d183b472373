// Per-process limits (rlimits) of a jail's processes, and the per-process counters.
//
// Linux has no per-group rlimit: the lifecycle gives each new process of the jail
// rlimits_for(name) before exec (pid 1, jexec, exec.start), and a rule added to a
// running jail reaches its live processes through prlimit(2).
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <vector>

#include "base/error.h"
#include "rctl/limits.h"

namespace jails::rctl {

// Sets each rule on each pid, resolved against this process's own limits (the limits
// the jail starts with); `reset` lists RLIMIT_* values whose rule is gone: they go back
// to this process's limits, as far as the kernel lets a hard limit rise again.
Result<void> prlimit_all(const std::vector<pid_t>& pids, const std::vector<RlimitRule>& rules,
                         const std::vector<int>& reset);

// Sums over the jail's processes, from /proc/<pid>/status and /proc/<pid>/fd.
struct ProcessUsage {
  int64_t processes = 0, threads = 0, data = 0, stack = 0, locked = 0, vmem = 0, openfiles = 0;
};
ProcessUsage read_process_usage(const std::vector<pid_t>& pids);

}  // namespace jails::rctl
