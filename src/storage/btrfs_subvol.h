// btrfs subvolumes through libbtrfsutil (ioctls; never the `btrfs` command).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "base/error.h"

namespace jails::storage {

bool on_btrfs(const std::string& path);
bool is_subvolume(const std::string& path);
Result<void> subvol_create(const std::string& path);
// O(1) in time and space: the new subvolume shares every extent with `src`.
Result<void> subvol_snapshot(const std::string& src, const std::string& dst, bool readonly);
Result<void> subvol_delete(const std::string& path);
Result<void> subvol_set_readonly(const std::string& path, bool readonly);

// Quota-group numbers of a subvolume (BTRFS_IOC_TREE_SEARCH on the quota tree);
// nullopt when quotas are not enabled on the filesystem.
struct QgroupUsage {
  uint64_t referenced = 0;
  uint64_t exclusive = 0;
};
std::optional<QgroupUsage> subvol_qgroup_usage(const std::string& path);

// Removes an object of any backend: a subvolume (with any nested below it) or a plain
// tree. A missing path is not an error.
Result<void> remove_object(const std::string& path);

}  // namespace jails::storage
