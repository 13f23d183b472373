// The catalog of a dataset root: which datasets and snapshots exist, their origins and
// the objects that hold their files. <root>/.jailctl/catalog.json, rewritten atomically
// under an exclusive flock of <root>/.jailctl/lock.
//
// How a verb stays crash-consistent (old state or new, never half):
//  1. Build every new object in <root>/.jailctl/tmp/ (private; all of tmp/ is garbage
//     unless a committed redo list names it).
//  2. Commit: write the catalog with the new state plus a *redo* list of idempotent
//     filesystem steps (rename, exchange, remove, mkdir) that make the files match it.
//     This single rename(2) is the point of no return.
//  3. Run the redo list, then write the catalog again without it.
// The next verb on the root (list, destroy, anything) first runs a pending redo list,
// then removes everything in tmp/ and every object in obj/ that the catalog does not
// name. So a kill -9 before step 2 leaves the old state, after it the new one.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/unique_fd.h"

namespace jails::storage {

struct DatasetEntry {
  std::string id;                  // object id (overlay: obj/<id>/{upper,work})
  std::string origin;              // "templates/base@template" or ""
  bool readonly = false;
  std::vector<std::string> lower;  // overlay: layers under obj/, topmost first
  int64_t created = 0;
};

struct SnapshotEntry {
  std::string id;                   // object id under obj/ ("" if it owns none)
  std::vector<std::string> layers;  // overlay: its whole chain, topmost first
  int64_t created = 0;
  uint64_t seq = 0;                 // creation order, for rollback's "more recent"
};

struct Catalog {
  std::string backend;
  std::string zfs_parent;
  uint64_t next_seq = 1;
  std::map<std::string, DatasetEntry> datasets;    // by "jails/web"
  std::map<std::string, SnapshotEntry> snapshots;  // by "jails/web@s1"
  nlohmann::json redo = nlohmann::json::array();
};

// Removes one object (a btrfs subvolume, or a plain tree); a missing one is fine.
using ObjectRemover = std::function<Result<void>(const std::string& path)>;

// An opened dataset root, its lock held for the life of the object.
class CatalogRoot {
 public:
  // Creates <root>/.jailctl if needed, locks it, loads the catalog, and finishes or
  // discards whatever an interrupted verb left. `backend` is recorded on first use.
  static Result<CatalogRoot> open(const std::string& root, const std::string& backend,
                                  ObjectRemover remover);
  CatalogRoot(CatalogRoot&&) = default;
  CatalogRoot& operator=(CatalogRoot&&) = default;
  // A verb that failed before its commit (a full disk, a bad archive) leaves objects in
  // tmp/ or obj/ that nothing names: removed here, so bad input changes nothing.
  ~CatalogRoot();

  Catalog& cat() { return cat_; }
  const Catalog& cat() const { return cat_; }
  const std::string& root() const { return root_; }
  std::string obj_path(const std::string& id) const { return root_ + "/.jailctl/obj/" + id; }
  std::string empty_dir() const { return root_ + "/.jailctl/empty"; }
  // A fresh path under tmp/ and a fresh object id.
  std::string new_tmp();
  std::string new_id();
  int64_t now() const;

  // Steps 2 and 3 above. Paths in steps are absolute; `verb` names the crash points.
  Result<void> commit(const std::string& verb, nlohmann::json redo);
  // Objects under obj/ that no dataset or snapshot names, and all of tmp/.
  Result<void> collect_garbage();

  // Redo steps.
  static nlohmann::json step_rename(const std::string& from, const std::string& to);
  static Result<nlohmann::json> step_exchange(const std::string& fresh, const std::string& target);
  static nlohmann::json step_remove(const std::string& path);
  static nlohmann::json step_mkdir(const std::string& path);
  // rmdir of an empty mountpoint directory and of its empty parents up to the root.
  nlohmann::json step_prune(const std::string& path) const;

 private:
  CatalogRoot(std::string root, UniqueFd lock, ObjectRemover remover)
      : root_(std::move(root)), lock_(std::move(lock)), remover_(std::move(remover)) {}
  Result<void> load();
  Result<void> save();
  Result<void> run_redo();
  Result<void> run_step(const nlohmann::json& step);

  std::string root_;
  UniqueFd lock_;
  ObjectRemover remover_;
  Catalog cat_;
  unsigned tmp_counter_ = 0;
};

}  // namespace jails::storage
