// From a jail's rules to the values the kernel gets (pure: no syscalls, unit-tested).
//
// Several rules may touch one knob (maxproc and nthr both become pids.max; a rule per
// jail and one per process for the same rlimit): the smallest amount wins, as every
// FreeBSD rule must hold at once.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "rctl/rule.h"

namespace jails::rctl {

struct CgroupLimits {
  std::optional<int64_t> memory;  // bytes
  std::optional<int64_t> swap;    // bytes
  std::optional<int64_t> pids;    // tasks
  std::optional<int64_t> pcpu;    // percent of one CPU
  std::optional<int64_t> rbps, wbps, riops, wiops;
};

struct IpcLimits {
  std::optional<int64_t> msgmni, semmns, semopm, shmmni, shmsize_bytes;
  bool any() const { return msgmni || semmns || semopm || shmmni || shmsize_bytes; }
};

struct RlimitRule {
  int resource;                    // RLIMIT_*
  std::optional<uint64_t> soft, hard;  // unset: keep what the process has
};

struct Limits {
  CgroupLimits cgroup;
  IpcLimits ipc;
  std::vector<RlimitRule> rlimits;  // one per RLIMIT_*, in RLIMIT order
};

// Rules must have passed check_rule().
Limits limits_for(const std::vector<Rule>& rules);

// A rlimit rule resolved against the limits a jail's process would have without rules
// (`base`, those of the process applying them): each half is the smaller of rule and
// base, an unset half keeps the base, and soft never exceeds hard.
struct rlimit resolve_rlimit(const RlimitRule& rule, const struct rlimit& base);

}  // namespace jails::rctl
