// FreeBSD's racct resources and what each one is on Linux.
//
// One table, in FreeBSD's racct order (the order of `rctl -u`): the resource name, the
// Linux mechanism that enforces it, and which actions FreeBSD allows for it. A resource
// without a Linux meaning carries the reason, and check_rule() refuses it with that text.
#pragma once

#include <span>
#include <string_view>

#include "base/error.h"
#include "rctl/rule.h"

namespace jails::rctl {

enum class Mech {
  memory,  // cgroup memory: memory.limit_in_bytes (v1) / memory.max (v2)
  swap,    // cgroup memory: memory.memsw.limit_in_bytes - memory (v1) / memory.swap.max (v2)
  pids,    // cgroup pids: pids.max
  cpu,     // cgroup cpu bandwidth: cpu.cfs_quota_us (v1) / cpu.max (v2)
  io,      // cgroup blkio throttle (v1) / io.max (v2), on every disk
  rlimit,  // setrlimit/prlimit on each process of the jail
  ipc,     // a sysctl of the jail's own IPC namespace
  none,    // no honest Linux meaning: refused with `why`
};

struct ResourceInfo {
  std::string_view name;
  Mech mech;
  bool deniable;          // FreeBSD accepts `deny` (RACCT_DENIABLE, plus memoryuse and pcpu)
  bool decaying;          // FreeBSD accepts `throttle` (RACCT_DECAYING: the IO rates)
  int rlimit = -1;        // RLIMIT_* when mech == rlimit
  std::string_view linux; // what enforces it, for messages and docs
  std::string_view why;   // why not, when mech == none
};

// All 25 resources, in FreeBSD's order.
std::span<const ResourceInfo> resources();
const ResourceInfo* find_resource(std::string_view name);

// Checks a fully specified rule against the table: subject (jail only), resource,
// action for that resource, per, amount. The message says what is wrong and why.
Result<void> check_rule(const Rule& r);

}  // namespace jails::rctl
