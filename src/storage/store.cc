#include "storage/store.h"

#include <linux/magic.h>
#include <sys/statfs.h>

#include "base/text.h"
#include "storage/btrfs_subvol.h"
#include "storage/catalog_store.h"
#include "storage/fs_tree.h"

namespace jails::storage {

Result<std::unique_ptr<Store>> make_zfs_store(CatalogRoot root, InUseCheck in_use);

namespace {

constexpr long kZfsMagic = 0x2fc12fc1;

bool kernel_has_overlay() {
  auto fs = read_file("/proc/filesystems");
  return fs && fs->find("\toverlay\n") != std::string::npos;
}

}  // namespace

Result<std::string> detect_backend(const std::string& root) {
  struct statfs sf;
  if (::statfs(root.c_str(), &sf) != 0) return sys_fail("statfs({})", root);
  if (sf.f_type == BTRFS_SUPER_MAGIC) return std::string("btrfs");
  if (sf.f_type == kZfsMagic) return std::string("zfs");
  // Linux: an overlay upper layer needs d_type and trusted.* xattrs; tmpfs, ext4 and
  // xfs have them, another overlay or NFS does not.
  if (kernel_has_overlay() && sf.f_type != OVERLAYFS_SUPER_MAGIC && sf.f_type != NFS_SUPER_MAGIC)
    return std::string("overlay");
  return std::string("directory");
}

Result<std::unique_ptr<Store>> open_store(const StoreConfig& config) {
  if (config.root.empty() || config.root[0] != '/')
    return fail("dataset root '{}': must be an absolute path", config.root);
  const std::string& b = config.backend;
  if (!b.empty() && b != "btrfs" && b != "overlay" && b != "directory" && b != "zfs")
    return fail("backend '{}': unknown (btrfs, overlay, directory or zfs)", b);
  TRY_CTX(make_dirs(config.root), "dataset root");
  std::string wanted = b;
  auto root = TRY(CatalogRoot::open(config.root, wanted, remove_object));
  bool changed = root.cat().backend.empty();
  if (root.cat().backend.empty()) {
    // First use of this root: the filesystem under it decides, unless named.
    root.cat().backend = TRY(detect_backend(config.root));
    if (root.cat().backend == "zfs" && config.zfs_parent.empty())
      return fail("dataset root {}: on ZFS; name the parent dataset with --zfs-parent", config.root);
  }
  auto& cat = root.cat();
  if (cat.backend == "btrfs" && !on_btrfs(config.root))
    return fail("dataset root {}: backend btrfs needs a btrfs filesystem there", config.root);
  if (cat.backend == "zfs") {
    if (cat.zfs_parent.empty()) {
      if (config.zfs_parent.empty())
        return fail("dataset root {}: backend zfs needs --zfs-parent (or zfs_parent= in the config)",
                    config.root);
      cat.zfs_parent = config.zfs_parent;
      changed = true;
    } else if (!config.zfs_parent.empty() && config.zfs_parent != cat.zfs_parent) {
      return fail("dataset root {}: its datasets live under {}, not {}", config.root,
                  cat.zfs_parent, config.zfs_parent);
    }
    if (changed) TRY(root.commit("open", nlohmann::json::array()));
    return make_zfs_store(std::move(root), config.in_use);
  }
  if (changed) TRY(root.commit("open", nlohmann::json::array()));  // first use: record the backend
  if (cat.backend == "overlay") return make_overlay_store(std::move(root), config.in_use);
  return make_copy_store(std::move(root), config.in_use);
}

}  // namespace jails::storage
