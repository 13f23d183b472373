// SysV IPC limits and usage inside a jail's own IPC namespace.
//
// Linux: kernel.msgmni, kernel.sem, kernel.shmmni and kernel.shmall are per IPC
// namespace, and /proc/sys and /proc/sysvipc show the namespace of the process that
// reads them. So this thread joins the jail's IPC namespace (setns on
// /proc/<pid>/ns/ipc), reads or writes, and returns to its own. A jail that shares the
// host's namespace is refused: its limits would be the host's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <optional>

#include "base/error.h"
#include "rctl/limits.h"

namespace jails::rctl {

// True when pid's IPC namespace is not the caller's.
bool own_ipc_namespace(pid_t pid);
// Writes the limits in pid's IPC namespace; unset ones get a new namespace's defaults.
Result<void> write_ipc_limits(pid_t pid, const IpcLimits& l);

struct IpcUsage {
  int64_t nmsgq = 0, msgqqueued = 0, msgqsize = 0, nsem = 0, nshm = 0, shmsize = 0;
};
Result<IpcUsage> read_ipc_usage(pid_t pid);

}  // namespace jails::rctl
