// The CREATE step: clone the jail's first process into new namespaces, place it in the
// jail's cgroups, let it build the jail's root and exec jail-init as pid 1.
#pragma once

#include <sys/types.h>

#include <functional>

#include "base/error.h"
#include "base/unique_fd.h"
#include "conf/jail_spec.h"

namespace jails::jail {

struct InitProcess {
  pid_t pid = 0;
  unsigned long long start_time = 0;
  UniqueFd pidfd;
};

// `in_cgroup` runs in the parent once the child sits in the jail's cgroups and before it
// builds anything (rctl limits and socket hooks go there, so nothing in the jail ever
// runs without them).
Result<InitProcess> start_init(const conf::JailSpec& spec, const std::string& cgroup,
                               const std::function<Result<void>(pid_t)>& in_cgroup);

// Path of the jail-init program: beside this executable, else the installed one.
std::string init_program();

}  // namespace jails::jail
