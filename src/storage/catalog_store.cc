#include "storage/catalog_store.h"

#include <algorithm>

#include "base/text.h"
#include "storage/fs_tree.h"

namespace jails::storage {

Result<void> CatalogStore::check_new(const DatasetName& ds, const char* verb) {
  if (cat().datasets.contains(ds.dataset))
    return fail("cannot {} '{}': dataset already exists", verb, ds.dataset);
  // Linux: btrfs snapshots and overlay layers do not nest the way ZFS datasets do, so a
  // dataset may not live inside another one's files here; intermediate names are
  // plain directories.
  for (const auto& [name, d] : cat().datasets) {
    if (name_within(ds.dataset, name))
      return fail("cannot {} '{}': it would lie inside dataset '{}' (nested datasets are "
                  "not supported by the {} backend)", verb, ds.dataset, name, backend());
    if (name_within(name, ds.dataset))
      return fail("cannot {} '{}': dataset '{}' lies below it", verb, ds.dataset, name);
  }
  if (path_exists(mountpoint(ds)))
    return fail("cannot {} '{}': mountpoint {} already exists and is not a dataset", verb,
                ds.dataset, mountpoint(ds));
  return {};
}

Result<DatasetEntry*> CatalogStore::dataset(const DatasetName& ds, const char* verb) {
  auto it = cat().datasets.find(ds.dataset);
  if (it == cat().datasets.end())
    return fail("cannot {} '{}': dataset does not exist", verb, ds.dataset);
  return &it->second;
}

Result<SnapshotEntry*> CatalogStore::snapshot_entry(const DatasetName& snap, const char* verb) {
  auto it = cat().snapshots.find(snap.full());
  if (it == cat().snapshots.end())
    return fail("cannot {} '{}': snapshot does not exist", verb, snap.full());
  return &it->second;
}

std::vector<std::string> CatalogStore::snapshots_of(const std::string& ds) const {
  std::vector<std::pair<uint64_t, std::string>> found;
  for (const auto& [name, s] : root_.cat().snapshots)
    if (name.substr(0, name.find('@')) == ds) found.emplace_back(s.seq, name);
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

std::vector<std::string> CatalogStore::clones_of(const std::string& snap) const {
  std::vector<std::string> out;
  for (const auto& [name, d] : root_.cat().datasets)
    if (d.origin == snap) out.push_back(name);
  return out;
}

Result<std::vector<std::string>> CatalogStore::later_snapshots(const DatasetName& snap,
                                                               bool destroy_later) {
  uint64_t seq = TRY(snapshot_entry(snap, "rollback to"))->seq;
  std::vector<std::string> later;
  for (const auto& name : snapshots_of(snap.dataset))
    if (cat().snapshots.at(name).seq > seq) later.push_back(name);
  if (!later.empty() && !destroy_later)
    return fail("cannot rollback to '{}': more recent snapshots exist; use '-r' to force "
                "deletion of the following snapshots: {}", snap.full(), join(later, " "));
  for (const auto& s : later)
    if (auto c = clones_of(s); !c.empty())
      return fail("cannot rollback to '{}': snapshot {} has dependent clones: {}", snap.full(),
                  s, join(c, " "));
  return later;
}

Result<std::vector<std::string>> CatalogStore::destroy_set(const DatasetName& ds, bool recursive) {
  auto snaps = snapshots_of(ds.dataset);
  if (!snaps.empty() && !recursive)
    return fail("cannot destroy '{}': filesystem has children; use '-r' to destroy the "
                "following snapshots: {}", ds.dataset, join(snaps, " "));
  for (const auto& s : snaps)
    if (auto c = clones_of(s); !c.empty())
      return fail("cannot destroy '{}': snapshot {} has dependent clones: {}", ds.dataset, s,
                  join(c, " "));
  return snaps;
}

Result<void> CatalogStore::check_in_use(const DatasetName& ds, const char* verb) {
  if (!in_use_) return {};
  return in_context(in_use_(ds.dataset, mountpoint(ds)), fmt::format("cannot {} '{}'", verb, ds.full()));
}

void CatalogStore::rename_entries(const std::string& from, const std::string& to) {
  auto node = cat().datasets.extract(from);
  node.key() = to;
  cat().datasets.insert(std::move(node));
  for (const auto& snap : snapshots_of(from)) {
    auto sn = cat().snapshots.extract(snap);
    std::string renamed = to + snap.substr(from.size());
    sn.key() = renamed;
    cat().snapshots.insert(std::move(sn));
    for (auto& [n, d] : cat().datasets)
      if (d.origin == snap) d.origin = renamed;
  }
}

Result<void> CatalogStore::rename_snapshot(const DatasetName& from, const DatasetName& to) {
  if (from.dataset != to.dataset)
    return fail("cannot rename '{}' to '{}': snapshots must be part of the same dataset",
                from.full(), to.full());
  TRY(snapshot_entry(from, "rename"));
  if (cat().snapshots.contains(to.full()))
    return fail("cannot rename to '{}': dataset already exists", to.full());
  auto node = cat().snapshots.extract(from.full());
  node.key() = to.full();
  cat().snapshots.insert(std::move(node));
  for (auto& [n, d] : cat().datasets)
    if (d.origin == from.full()) d.origin = to.full();
  return root_.commit("rename", nlohmann::json::array());
}

DatasetInfo CatalogStore::info_of(const std::string& name, const DatasetEntry& d) {
  DatasetInfo i;
  i.name = name;
  i.type = "filesystem";
  i.origin = d.origin;
  i.mountpoint = mountpoint(DatasetName{name, ""});
  i.readonly = d.readonly;
  i.creation = d.created;
  return i;
}

DatasetInfo CatalogStore::info_of(const std::string& name, const SnapshotEntry& s) {
  DatasetInfo i;
  i.name = name;
  i.type = "snapshot";
  i.creation = s.created;
  return i;
}

}  // namespace jails::storage
