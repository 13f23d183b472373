#include "storage/btrfs_subvol.h"

#include <btrfsutil.h>
#include <fcntl.h>
#include <linux/btrfs.h>
#include <linux/btrfs_tree.h>
#include <linux/magic.h>
#include <sys/ioctl.h>
#include <sys/statfs.h>

#include <cstring>

#include "base/unique_fd.h"
#include "storage/fs_tree.h"

namespace jails::storage {
namespace {

// libbtrfsutil keeps errno from the failing ioctl; its own string names the step.
std::unexpected<Error> btrfs_fail(enum btrfs_util_error e, std::string what) {
  int err = errno;
  return std::unexpected(Error{what + " (" + btrfs_util_strerror(e) + ")", err});
}

}  // namespace

bool on_btrfs(const std::string& path) {
  struct statfs sf;
  return ::statfs(path.c_str(), &sf) == 0 && sf.f_type == BTRFS_SUPER_MAGIC;
}

bool is_subvolume(const std::string& path) {
  return on_btrfs(path) && btrfs_util_is_subvolume(path.c_str()) == BTRFS_UTIL_OK;
}

Result<void> subvol_create(const std::string& path) {
  auto e = btrfs_util_create_subvolume(path.c_str(), 0, nullptr, nullptr);
  if (e != BTRFS_UTIL_OK) return btrfs_fail(e, fmt::format("btrfs create subvolume({})", path));
  return {};
}

Result<void> subvol_snapshot(const std::string& src, const std::string& dst, bool readonly) {
  int flags = readonly ? BTRFS_UTIL_CREATE_SNAPSHOT_READ_ONLY : 0;
  auto e = btrfs_util_create_snapshot(src.c_str(), dst.c_str(), flags, nullptr, nullptr);
  if (e != BTRFS_UTIL_OK)
    return btrfs_fail(e, fmt::format("btrfs snapshot({} -> {}{})", src, dst, readonly ? ", read-only" : ""));
  return {};
}

Result<void> subvol_delete(const std::string& path) {
  auto e = btrfs_util_delete_subvolume(path.c_str(), BTRFS_UTIL_DELETE_SUBVOLUME_RECURSIVE);
  if (e != BTRFS_UTIL_OK) return btrfs_fail(e, fmt::format("btrfs delete subvolume({})", path));
  return {};
}

Result<void> subvol_set_readonly(const std::string& path, bool readonly) {
  auto e = btrfs_util_set_subvolume_read_only(path.c_str(), readonly);
  if (e != BTRFS_UTIL_OK)
    return btrfs_fail(e, fmt::format("btrfs set read-only={}({})", readonly, path));
  return {};
}

std::optional<QgroupUsage> subvol_qgroup_usage(const std::string& path) {
  uint64_t id = 0;
  if (btrfs_util_subvolume_id(path.c_str(), &id) != BTRFS_UTIL_OK) return std::nullopt;
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  // The quota tree holds one QGROUP_INFO item per qgroup, keyed (0, INFO, 0/<subvolid>).
  struct btrfs_ioctl_search_args args;
  std::memset(&args, 0, sizeof args);
  auto& k = args.key;
  k.tree_id = BTRFS_QUOTA_TREE_OBJECTID;
  k.min_type = k.max_type = BTRFS_QGROUP_INFO_KEY;
  k.min_offset = k.max_offset = id;  // level 0 qgroup: the subvolume id itself
  k.max_objectid = 0;
  k.max_transid = UINT64_MAX;
  k.nr_items = 1;
  if (::ioctl(fd.get(), BTRFS_IOC_TREE_SEARCH, &args) != 0 || k.nr_items == 0) return std::nullopt;
  auto* hdr = reinterpret_cast<struct btrfs_ioctl_search_header*>(args.buf);
  if (hdr->type != BTRFS_QGROUP_INFO_KEY || hdr->offset != id) return std::nullopt;
  auto* info = reinterpret_cast<struct btrfs_qgroup_info_item*>(hdr + 1);
  return QgroupUsage{le64toh(info->rfer), le64toh(info->excl)};
}

Result<void> remove_object(const std::string& path) {
  if (!path_exists(path)) return {};
  if (is_subvolume(path)) {
    auto r = subvol_delete(path);
    if (r || r.error().err != EPERM) return r;
    TRY(subvol_set_readonly(path, false));  // a read-only snapshot: lift, then retry
    return subvol_delete(path);
  }
  return remove_tree(path);
}

}  // namespace jails::storage
