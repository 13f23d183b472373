// Writes a jail's cgroup limits and reads its cgroup counters, on v1 or v2.
//
// The jail's cgroup is kernel::jail_cgroup(name) = "jail/<name>" in every hierarchy
// (src/kernel/cgroup.h). Each controller is used where kernel::cgroup_layout().find()
// says it lives: a v1 mount of its own, or the cgroup2 mount when enabled there. On
// cgroup2 the controllers are switched on in the ancestors' cgroup.subtree_control
// (root and jail/), never in jail/<name>, which holds the jail's pid 1 itself.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "rctl/limits.h"

namespace jails::rctl {

// Checks that every limit can be expressed here (controller present, memsw on v1 for
// swap) before anything is written: a refused rule changes nothing.
Result<void> check_cgroup_limits(const std::string& rel, const CgroupLimits& l);
// Writes the limits of every controller that `l` or `prev` (the set in force before)
// uses; a limit that is unset is reset to "no limit". Controllers neither set uses are
// left alone, so a jail without rules pays for no controller.
Result<void> write_cgroup_limits(const std::string& rel, const CgroupLimits& l, const CgroupLimits& prev);

struct CgroupUsage {
  std::optional<uint64_t> cpu_ns, memory, swap, tasks;
  std::optional<uint64_t> rbytes, wbytes, rios, wios;  // cumulative, all devices
};
CgroupUsage read_cgroup_usage(const std::string& rel);

// cgroup2: switches the memory, pids and io controllers on for jail/ (where the
// hierarchy has them), so the jail is charged from its first allocation and `rctl -u`
// has counters, as FreeBSD's racct accounts every jail. The cpu controller (group
// scheduling) waits for a pcpu rule. Nothing to do on v1, where a mounted controller
// charges every cgroup.
void enable_accounting(const std::string& rel);

// "MAJ:MIN" of every block device (/sys/block/*/dev): IO limits apply to each.
std::vector<std::string> block_devices();

}  // namespace jails::rctl
