// What a process entering a jail gives up: the jail's capability set and seccomp filter
// (kernel/confine.h) and its per-process rctl limits, computed before joining.
#pragma once

#include <sys/resource.h>

#include <string>
#include <utility>
#include <memory>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "kernel/confine.h"

namespace jails::jail {


struct Confinement {
  std::vector<std::pair<int, struct rlimit>> rlimits;
  std::shared_ptr<void> plan;  // kernel::ConfinePlan, opaque here to keep seccomp out of headers
};

kernel::ConfineOptions confine_options(const conf::JailSpec& spec);
Result<Confinement> plan_confinement_for(const conf::JailSpec& spec, const std::string& name);
// In the child, after joining: rlimits, then the kernel plan. 0 or an errno, naming the step.
int apply_confinement(const Confinement& c, const char** failed_step) noexcept;

}  // namespace jails::jail
