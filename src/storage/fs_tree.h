// Whole-tree operations on plain directories: copy (reflink where the filesystem can),
// remove, measure. Used by the directory backend for snapshots and clones, by the
// overlay backend to freeze an upper layer, and to fill templates from a directory.
#pragma once

#include <cstdint>
#include <string>

#include "base/error.h"

namespace jails::storage {

struct CopyStats {
  uint64_t files = 0;
  uint64_t reflinked = 0;  // regular files shared by FICLONE instead of copied
};

// Copies the tree at `src` to `dst` (which must not exist), keeping modes, owners, times,
// extended attributes (trusted.* too, so overlay whiteouts and opaque dirs survive),
// symlinks, device nodes and hard links. Regular files are reflinked when the filesystem
// supports it (btrfs, xfs), else copied with copy_file_range.
Result<CopyStats> copy_tree(const std::string& src, const std::string& dst);

// rm -rf: removes `path` and everything below it; a missing path is not an error.
// Does not cross into other mounts (fails with EBUSY on a mountpoint instead).
Result<void> remove_tree(const std::string& path);

// Bytes allocated by the files below `path` (st_blocks, hard links counted once).
Result<uint64_t> disk_usage(const std::string& path);

// mkdir -p with mode 0755; existing directories are fine.
Result<void> make_dirs(const std::string& path);

// Writes `data` to `path` atomically: a temporary file beside it, fsync, rename, fsync of
// the directory. A crash leaves the old file or the new one.
Result<void> write_file_atomic(const std::string& path, const std::string& data, int mode = 0644);

bool path_exists(const std::string& path);

}  // namespace jails::storage
