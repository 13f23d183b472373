// The overlayfs backend, for hosts whose dataset root is on ext4 or anything else
// without cheap snapshots.
//
//   dataset   obj/<id>/{upper,work} + a chain of read-only lower layers; its files are
//             the overlay mounted at <root>/<name>
//   snapshot  freezes the dataset: its upper is copied into a new layer obj/<id>
//             (cost of what changed since the clone, never of the template), and the
//             snapshot is that layer over the dataset's chain. A read-only dataset (a
//             template) needs no copy: its upper is already frozen and is the layer.
//   clone     a new empty upper over the snapshot's chain: O(1)
//   rollback  a new empty upper (a new object id) over the snapshot's chain; the old
//             upper becomes garbage once the catalog names the new one
//
// Mounts do not survive a reboot; `jailctl dataset mount` (and `jailctl create`, and
// the exec.prestart it writes into the jail's conf) mounts again from the catalog.
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"
#include "storage/catalog_store.h"
#include "storage/fs_tree.h"
#include "storage/overlay_mount.h"

namespace jails::storage {
namespace {

using nlohmann::json;

class OverlayStore final : public CatalogStore {
 public:
  using CatalogStore::CatalogStore;

  std::string layer_path(const std::string& rel) const { return root_.obj_path(rel); }

  Result<std::string> new_object_dir() {
    std::string tmp = root_.new_tmp();
    for (const char* sub : {"", "/upper", "/work"})
      if (::mkdir((tmp + sub).c_str(), 0755) != 0) return sys_fail("mkdir({}{})", tmp, sub);
    return tmp;
  }

  Result<void> create(const DatasetName& ds, bool, const Populate& populate) override {
    TRY(check_new(ds, "create"));
    std::string tmp = TRY(new_object_dir()), id = root_.new_id();
    if (populate) TRY(populate(tmp + "/upper"));
    cat().datasets[ds.dataset] = DatasetEntry{id, "", false, {}, root_.now()};
    TRY(root_.commit("create", json::array({CatalogRoot::step_rename(tmp, root_.obj_path(id)),
                                            CatalogRoot::step_mkdir(mountpoint(ds))})));
    return mount(ds);
  }

  Result<void> snapshot(const DatasetName& snap) override {
    auto* d = TRY(dataset(snap, "snapshot"));
    if (cat().snapshots.contains(snap.full()))
      return fail("cannot create snapshot '{}': dataset already exists", snap.full());
    if (d->lower.size() + 1 >= kOverlayMaxLayers)
      return fail("cannot create snapshot '{}': its chain would have {} layers, the kernel "
                  "stacks at most {}", snap.full(), d->lower.size() + 1, kOverlayMaxLayers);
    SnapshotEntry s{"", {}, root_.now(), cat().next_seq++};
    json redo = json::array();
    if (d->readonly) {
      s.layers.push_back(d->id + "/upper");
    } else {
      std::string tmp = root_.new_tmp();
      s.id = root_.new_id();
      TRY(copy_tree(root_.obj_path(d->id) + "/upper", tmp));
      s.layers.push_back(s.id);
      redo.push_back(CatalogRoot::step_rename(tmp, root_.obj_path(s.id)));
    }
    s.layers.insert(s.layers.end(), d->lower.begin(), d->lower.end());
    cat().snapshots[snap.full()] = std::move(s);
    return root_.commit("snapshot", std::move(redo));
  }

  Result<void> clone(const DatasetName& snap, const DatasetName& ds, bool) override {
    auto layers = TRY(snapshot_entry(snap, "clone"))->layers;
    TRY(check_new(ds, "create"));
    std::string tmp = TRY(new_object_dir()), id = root_.new_id();
    cat().datasets[ds.dataset] = DatasetEntry{id, snap.full(), false, layers, root_.now()};
    TRY(root_.commit("clone", json::array({CatalogRoot::step_rename(tmp, root_.obj_path(id)),
                                           CatalogRoot::step_mkdir(mountpoint(ds))})));
    return mount(ds);
  }

  Result<void> rollback(const DatasetName& snap, bool destroy_later) override {
    auto later = TRY(later_snapshots(snap, destroy_later));
    auto* d = TRY(dataset(snap, "rollback"));
    TRY(check_in_use(snap, "rollback"));
    TRY_CTX(unmount_if_mounted(snap), fmt::format("cannot rollback '{}'", snap.dataset));
    std::string tmp = TRY(new_object_dir()), id = root_.new_id();
    d->id = id;
    d->lower = cat().snapshots.at(snap.full()).layers;
    for (const auto& s : later) cat().snapshots.erase(s);
    TRY(root_.commit("rollback", json::array({CatalogRoot::step_rename(tmp, root_.obj_path(id))})));
    return mount(snap);
  }

  Result<void> destroy(const DatasetName& name, bool recursive) override {
    if (name.is_snapshot()) {
      TRY(snapshot_entry(name, "destroy"));
      if (auto c = clones_of(name.full()); !c.empty())
        return fail("cannot destroy '{}': snapshot has dependent clones: {}", name.full(), join(c, " "));
      cat().snapshots.erase(name.full());
      return root_.commit("destroy", json::array());
    }
    TRY(dataset(name, "destroy"));
    auto snaps = TRY(destroy_set(name, recursive));
    TRY(check_in_use(name, "destroy"));
    TRY_CTX(unmount_if_mounted(name), fmt::format("cannot destroy '{}'", name.dataset));
    for (const auto& s : snaps) cat().snapshots.erase(s);
    cat().datasets.erase(name.dataset);
    return root_.commit("destroy", json::array({root_.step_prune(mountpoint(name))}));
  }

  Result<void> rename(const DatasetName& from, const DatasetName& to) override {
    if (from.is_snapshot() || to.is_snapshot()) return rename_snapshot(from, to);
    TRY(dataset(from, "rename"));
    TRY(check_new(to, "rename to"));
    TRY(check_in_use(from, "rename"));
    TRY_CTX(unmount_if_mounted(from), fmt::format("cannot rename '{}'", from.dataset));
    rename_entries(from.dataset, to.dataset);
    TRY(root_.commit("rename", json::array({CatalogRoot::step_rename(mountpoint(from), mountpoint(to)),
                                            root_.step_prune(mountpoint(from))})));
    return mount(to);
  }

  Result<uint64_t> chain_usage(const std::vector<std::string>& layers) {
    uint64_t total = 0;
    for (const auto& l : layers) total += TRY(disk_usage(layer_path(l)));
    return total;
  }

  Result<std::vector<DatasetInfo>> list(bool space) override {
    std::vector<DatasetInfo> out;
    for (const auto& [name, d] : cat().datasets) {
      auto info = info_of(name, d);
      info.mounted = is_mountpoint(info.mountpoint);
      if (space) {
        info.used = TRY(disk_usage(root_.obj_path(d.id) + "/upper"));
        info.refer = info.used + TRY(chain_usage(d.lower));
      }
      out.push_back(std::move(info));
    }
    for (const auto& [name, s] : cat().snapshots) {
      auto info = info_of(name, s);
      if (space) {
        info.used = s.id.empty() ? 0 : TRY(disk_usage(root_.obj_path(s.id)));
        info.refer = TRY(chain_usage(s.layers));
      }
      out.push_back(std::move(info));
    }
    return out;
  }

  OverlaySpec spec_of(const DatasetEntry& d) const {
    OverlaySpec spec;
    for (const auto& l : d.lower) spec.lower.push_back(layer_path(l));
    if (spec.lower.empty()) spec.lower.push_back(root_.empty_dir());  // overlayfs needs one
    spec.upper = root_.obj_path(d.id) + "/upper";
    spec.work = root_.obj_path(d.id) + "/work";
    spec.readonly = d.readonly;
    return spec;
  }

  Result<void> mount(const DatasetName& ds) override {
    auto* d = TRY(dataset(ds, "mount"));
    std::string mp = mountpoint(ds);
    if (is_mountpoint(mp)) return {};
    TRY(make_dirs(mp));
    return in_context(mount_overlay(spec_of(*d), mp), fmt::format("cannot mount '{}'", ds.dataset));
  }

  bool upper_is_shared(const DatasetEntry& d) {
    for (const auto& [n, s] : cat().snapshots)
      for (const auto& l : s.layers)
        if (l == d.id + "/upper") return true;
    return false;
  }

  Result<void> unmount_if_mounted(const DatasetName& ds) {
    std::string mp = mountpoint(ds);
    if (!is_mountpoint(mp)) return {};
    return unmount_path(mp);
  }

  Result<void> unmount(const DatasetName& ds) override {
    TRY(dataset(ds, "unmount"));
    TRY(check_in_use(ds, "unmount"));
    return in_context(unmount_if_mounted(ds), fmt::format("cannot unmount '{}'", ds.dataset));
  }

  Result<void> set_readonly(const DatasetName& ds, bool readonly) override {
    auto* d = TRY(dataset(ds, "set readonly"));
    if (d->readonly == readonly) return {};
    TRY_CTX(unmount_if_mounted(ds), fmt::format("cannot set readonly on '{}'", ds.dataset));
    d->readonly = readonly;
    json redo = json::array();
    if (!readonly && upper_is_shared(*d)) {
      // Its snapshots use the frozen upper as their layer: give it a private copy.
      std::string tmp = root_.new_tmp(), id = root_.new_id();
      if (::mkdir(tmp.c_str(), 0755) != 0 || ::mkdir((tmp + "/work").c_str(), 0755) != 0)
        return sys_fail("mkdir({})", tmp);
      TRY(copy_tree(root_.obj_path(d->id) + "/upper", tmp + "/upper"));
      d->id = id;
      redo.push_back(CatalogRoot::step_rename(tmp, root_.obj_path(id)));
    }
    TRY(root_.commit("set", std::move(redo)));
    return mount(ds);
  }

  Result<std::string> open_for_read(const DatasetName& name, std::function<void()>& release) override {
    release = [] {};
    if (!name.is_snapshot()) {
      TRY(mount(name));
      return mountpoint(name);
    }
    OverlaySpec spec;
    for (const auto& l : TRY(snapshot_entry(name, "read"))->layers) spec.lower.push_back(layer_path(l));
    spec.lower.push_back(root_.empty_dir());  // a read-only overlay wants two layers on old kernels
    std::string dir = root_.new_tmp();
    if (::mkdir(dir.c_str(), 0755) != 0) return sys_fail("mkdir({})", dir);
    TRY(mount_overlay(spec, dir));
    release = [dir] {
      (void)unmount_path(dir);
      ::rmdir(dir.c_str());
    };
    return dir;
  }
};

}  // namespace

Result<std::unique_ptr<Store>> make_overlay_store(CatalogRoot root, InUseCheck in_use) {
  return std::make_unique<OverlayStore>(std::move(root), std::move(in_use));
}

}  // namespace jails::storage
