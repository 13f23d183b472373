// Mounts: the host-side mounts of `mount`/`mount.fstab`, and the in-child pieces of a
// jail's root (bind, proc, sysfs, pivot_root). Paths under a jail root are resolved
// inside that root (openat2 RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS), so a symlink in the
// jail can never send a mount outside it.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"

namespace jails::kernel {

// One fstab(5) line, FreeBSD-style: SPEC MNTPT TYPE [OPTS [DUMP [PASS]]].
struct FstabEntry {
  std::string spec, mntpt, type, opts;
};

// Parses a line; an empty/comment line gives nullopt; fewer than 3 fields is an error
// ("missing information", as FreeBSD says).
Result<std::optional<FstabEntry>> parse_fstab_line(const std::string& line);

// Mounts an entry on the host. The mount point must lie under `root` (the jail's
// path) and is resolved inside it; FreeBSD's nullfs is a bind mount, procfs is proc.
// Returns the mount point as resolved (what to unmount).
Result<std::string> mount_entry(const FstabEntry& e, const std::string& root);
// Unmounts what mount_entry mounted (checks it is still a mount point).
Result<void> unmount_entry(const FstabEntry& e);

// Opens a directory inside root, never leaving it: openat2(RESOLVE_IN_ROOT).
Result<UniqueFd> open_in_root(const std::string& root, const std::string& rel, int flags);
// The canonical host path of rel resolved inside root (for mount points); fails if it
// would leave root.
Result<std::string> resolve_in_root(const std::string& root, const std::string& rel);

bool is_mount_point(const std::string& path);

}  // namespace jails::kernel
