// Puts a jail's whole rule set into force: cgroup files, rlimits of its live
// processes, its IPC namespace. Everything is checked first; if the kernel refuses a
// write midway, the previous set is written back.
#pragma once

#include <vector>

#include "base/error.h"
#include "jail/record.h"
#include "rctl/rule.h"

namespace jails::rctl {

Result<void> apply_rules(const jail::Record& rec, const std::vector<Rule>& rules, const std::vector<Rule>& old);

}  // namespace jails::rctl
