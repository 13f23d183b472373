// `rctl -u jail:NAME`: what a jail uses, from the kernel's own counters.
//
// Cgroup counters for memory, swap, CPU time, tasks and IO; sums over the jail's
// processes for the per-process resources; the jail's IPC namespace for SysV IPC.
// FreeBSD's pcpu and IO rates are decaying averages; here they are measured over a
// short sample (two readings `sample` apart). Resources with no counter on Linux
// (coredumpsize, pseudoterminals) are left out rather than shown as a made-up 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/error.h"
#include "jail/record.h"

namespace jails::rctl {

struct UsageLine {
  std::string resource;
  int64_t value;
};

// In FreeBSD's racct order.
Result<std::vector<UsageLine>> jail_usage(const jail::Record& rec, std::chrono::milliseconds sample);

}  // namespace jails::rctl
