// Processes: pidfds, waiting with a deadline, joining a jail's namespaces.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace jails::kernel {

Result<UniqueFd> pidfd_open(pid_t pid);
// Waits for a child; with timeout_s > 0, nullopt when it is still running at the deadline
// (the child is left alone: FreeBSD's exec.timeout abandons, it does not kill).
Result<std::optional<int>> wait_child(pid_t pid, int timeout_s);
// Waits until the process behind pidfd has exited (it need not be our child).
Result<void> wait_exit(int pidfd, int timeout_ms);
// setns(pidfd, flags): every namespace at once (Linux 5.8).
Result<void> setns_all(int pidfd, int nstype_flags);
// "exited 3", "exited on signal 9"
std::string describe_status(int status);

}  // namespace jails::kernel
