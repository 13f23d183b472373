// What the btrfs, overlay and directory backends share: the catalog (catalog.h), name
// and dependency rules of zfs(8), and mountpoints at <root>/<name>.
#pragma once

#include <string>
#include <vector>

#include "storage/catalog.h"
#include "storage/store.h"

namespace jails::storage {

class CatalogStore : public Store {
 public:
  CatalogStore(CatalogRoot root, InUseCheck in_use)
      : root_(std::move(root)), in_use_(std::move(in_use)) {}
  std::string backend() const override { return root_backend_; }
  std::string mountpoint(const DatasetName& ds) const override {
    return root_.root() + "/" + ds.dataset;
  }

 protected:
  Catalog& cat() { return root_.cat(); }
  // Errors in the words of zfs(8): "cannot create 'x': dataset already exists".
  Result<void> check_new(const DatasetName& ds, const char* verb);
  Result<DatasetEntry*> dataset(const DatasetName& ds, const char* verb);
  Result<SnapshotEntry*> snapshot_entry(const DatasetName& snap, const char* verb);
  // Snapshots of `ds`, oldest first.
  std::vector<std::string> snapshots_of(const std::string& ds) const;
  std::vector<std::string> clones_of(const std::string& snap) const;
  // Snapshots newer than `snap` (rollback -r destroys them); refuses without -r.
  Result<std::vector<std::string>> later_snapshots(const DatasetName& snap, bool destroy_later);
  // Refuses a dataset destroy that would orphan snapshots or clones.
  Result<std::vector<std::string>> destroy_set(const DatasetName& ds, bool recursive);
  Result<void> check_in_use(const DatasetName& ds, const char* verb);
  // Renames a dataset (and its snapshots and the origins naming them) in the catalog.
  void rename_entries(const std::string& from, const std::string& to);
  Result<void> rename_snapshot(const DatasetName& from, const DatasetName& to);
  // The parts of list() that do not depend on the backend.
  DatasetInfo info_of(const std::string& name, const DatasetEntry& d);
  DatasetInfo info_of(const std::string& name, const SnapshotEntry& s);

  CatalogRoot root_;
  InUseCheck in_use_;
  std::string root_backend_ = root_.cat().backend;
};

Result<std::unique_ptr<Store>> make_copy_store(CatalogRoot root, InUseCheck in_use);
Result<std::unique_ptr<Store>> make_overlay_store(CatalogRoot root, InUseCheck in_use);

}  // namespace jails::storage
