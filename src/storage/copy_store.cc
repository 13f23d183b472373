// The btrfs and directory backends. A dataset's files live at its mountpoint
// <root>/<name> (a subvolume on btrfs, a plain directory otherwise); each snapshot is
// an object <root>/.jailctl/obj/<id> (a read-only snapshot subvolume, or a copy).
// Rollback makes a writable copy of the snapshot in tmp/ and swaps it in with
// renameat2(RENAME_EXCHANGE), so the mountpoint never shows a half state.
#include <sys/stat.h>

#include "base/text.h"
#include "storage/btrfs_subvol.h"
#include "storage/catalog_store.h"
#include "storage/fs_tree.h"

namespace jails::storage {
namespace {

using nlohmann::json;

class CopyStore final : public CatalogStore {
 public:
  using CatalogStore::CatalogStore;
  bool btrfs() const { return root_backend_ == "btrfs"; }

  Result<void> make_empty(const std::string& path) {
    if (btrfs()) return subvol_create(path);
    if (::mkdir(path.c_str(), 0755) != 0) return sys_fail("mkdir({})", path);
    return {};
  }

  // btrfs: O(1) snapshot. directory: a copy, reflinked file by file where possible.
  Result<void> copy_object(const std::string& src, const std::string& dst, bool readonly) {
    if (btrfs()) return subvol_snapshot(src, dst, readonly);
    TRY(copy_tree(src, dst));
    return {};
  }

  Result<void> create(const DatasetName& ds, bool, const Populate& populate) override {
    TRY(check_new(ds, "create"));
    std::string tmp = root_.new_tmp();
    TRY(make_empty(tmp));
    if (populate) TRY(populate(tmp));
    cat().datasets[ds.dataset] = DatasetEntry{root_.new_id(), "", false, {}, root_.now()};
    return root_.commit("create", json::array({CatalogRoot::step_rename(tmp, mountpoint(ds))}));
  }

  Result<void> snapshot(const DatasetName& snap) override {
    TRY(dataset(snap, "snapshot"));
    if (cat().snapshots.contains(snap.full()))
      return fail("cannot create snapshot '{}': dataset already exists", snap.full());
    // Made in place under obj/: unreferenced until the commit, so garbage if we die
    // first. (Not via tmp/: btrfs cannot rename a read-only subvolume, EROFS.)
    std::string id = root_.new_id();
    TRY(copy_object(mountpoint(snap), root_.obj_path(id), true));
    cat().snapshots[snap.full()] = SnapshotEntry{id, {}, root_.now(), cat().next_seq++};
    return root_.commit("snapshot", json::array());
  }

  Result<void> clone(const DatasetName& snap, const DatasetName& ds, bool) override {
    auto* s = TRY(snapshot_entry(snap, "clone"));
    TRY(check_new(ds, "create"));
    std::string tmp = root_.new_tmp();
    TRY(copy_object(root_.obj_path(s->id), tmp, false));
    cat().datasets[ds.dataset] = DatasetEntry{root_.new_id(), snap.full(), false, {}, root_.now()};
    return root_.commit("clone", json::array({CatalogRoot::step_rename(tmp, mountpoint(ds))}));
  }

  Result<void> rollback(const DatasetName& snap, bool destroy_later) override {
    auto later = TRY(later_snapshots(snap, destroy_later));
    auto* d = TRY(dataset(snap, "rollback"));
    TRY(check_in_use(snap, "rollback"));
    std::string tmp = root_.new_tmp(), mp = mountpoint(snap);
    TRY(copy_object(root_.obj_path(cat().snapshots.at(snap.full()).id), tmp, false));
    json redo = json::array({TRY(CatalogRoot::step_exchange(tmp, mp)), CatalogRoot::step_remove(tmp)});
    for (const auto& s : later) cat().snapshots.erase(s);  // their objects are garbage now
    TRY(root_.commit("rollback", std::move(redo)));
    // After the exchange: a read-only subvolume could not have been renamed.
    if (d->readonly && btrfs()) TRY(subvol_set_readonly(mp, true));
    return {};
  }

  Result<void> destroy(const DatasetName& name, bool recursive) override {
    if (name.is_snapshot()) {
      TRY(snapshot_entry(name, "destroy"));
      if (auto c = clones_of(name.full()); !c.empty())
        return fail("cannot destroy '{}': snapshot has dependent clones: {}; use 'zfs promote' "
                    "or destroy the clones first", name.full(), join(c, " "));
      cat().snapshots.erase(name.full());
      return root_.commit("destroy", json::array());
    }
    TRY(dataset(name, "destroy"));
    auto snaps = TRY(destroy_set(name, recursive));
    TRY(check_in_use(name, "destroy"));
    std::string tmp = root_.new_tmp(), mp = mountpoint(name);
    for (const auto& s : snaps) cat().snapshots.erase(s);
    cat().datasets.erase(name.dataset);
    // btrfs deletes a subvolume at once (and cannot rename a read-only one); a plain
    // tree is first moved out of sight, then removed.
    json redo = btrfs() ? json::array({CatalogRoot::step_remove(mp)})
                        : json::array({CatalogRoot::step_rename(mp, tmp), CatalogRoot::step_remove(tmp)});
    redo.push_back(root_.step_prune(mp));
    return root_.commit("destroy", std::move(redo));
  }

  Result<void> rename(const DatasetName& from, const DatasetName& to) override {
    if (from.is_snapshot() || to.is_snapshot()) return rename_snapshot(from, to);
    TRY(dataset(from, "rename"));
    TRY(check_new(to, "rename to"));
    TRY(check_in_use(from, "rename"));
    bool ro = btrfs() && cat().datasets.at(from.dataset).readonly;
    if (ro) TRY(subvol_set_readonly(mountpoint(from), false));  // EROFS on rename otherwise
    rename_entries(from.dataset, to.dataset);
    TRY(root_.commit("rename", json::array({CatalogRoot::step_rename(mountpoint(from), mountpoint(to)),
                                            root_.step_prune(mountpoint(from))})));
    if (ro) TRY(subvol_set_readonly(mountpoint(to), true));
    return {};
  }

  Result<std::vector<DatasetInfo>> list(bool space) override {
    std::vector<DatasetInfo> out;
    for (const auto& [name, d] : cat().datasets) {
      auto info = info_of(name, d);
      info.mounted = true;
      if (space) TRY(measure(info.mountpoint, info, !d.origin.empty()));
      out.push_back(std::move(info));
    }
    for (const auto& [name, s] : cat().snapshots) {
      auto info = info_of(name, s);
      if (space) TRY(measure(root_.obj_path(s.id), info, true));
      out.push_back(std::move(info));
    }
    return out;
  }

  // btrfs with quotas: the quota group's referenced/exclusive bytes. Otherwise the
  // allocated bytes of the tree; a btrfs clone or snapshot shares them, so "used" is
  // reported as 0 there rather than the whole tree again.
  Result<void> measure(const std::string& path, DatasetInfo& info, bool shares) {
    if (btrfs()) {
      if (auto q = subvol_qgroup_usage(path)) {
        info.refer = q->referenced;
        info.used = q->exclusive;
        return {};
      }
    }
    info.refer = TRY(disk_usage(path));
    info.used = btrfs() && shares ? 0 : info.refer;
    return {};
  }

  Result<void> mount(const DatasetName& ds) override {
    TRY(dataset(ds, "mount"));
    return {};  // the files are the mountpoint itself: always there
  }
  Result<void> unmount(const DatasetName& ds) override {
    TRY(dataset(ds, "unmount"));
    return {};
  }

  Result<void> set_readonly(const DatasetName& ds, bool readonly) override {
    auto* d = TRY(dataset(ds, "set readonly"));
    if (btrfs()) TRY(subvol_set_readonly(mountpoint(ds), readonly));
    d->readonly = readonly;
    return root_.commit("set", json::array());
  }

  Result<std::string> open_for_read(const DatasetName& name, std::function<void()>& release) override {
    release = [] {};
    if (!name.is_snapshot()) {
      TRY(dataset(name, "read"));
      return mountpoint(name);
    }
    return root_.obj_path(TRY(snapshot_entry(name, "read"))->id);
  }
};

}  // namespace

Result<std::unique_ptr<Store>> make_copy_store(CatalogRoot root, InUseCheck in_use) {
  return std::make_unique<CopyStore>(std::move(root), std::move(in_use));
}

}  // namespace jails::storage
