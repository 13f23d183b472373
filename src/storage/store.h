// A dataset store: the datasets under one dataset root, with the verbs of zfs(8).
//
// One Store per root; the backend (btrfs, overlay, directory, zfs) is fixed when the
// root is first used and recorded there. Every verb is crash-consistent: a kill -9 at
// any point leaves the old state or the new one, and the next verb on the root finishes
// or discards what a crashed one left (see catalog.h for how).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "storage/name.h"

namespace jails::storage {

struct DatasetInfo {
  std::string name;        // "jails/web" or "jails/web@s1"
  std::string type;        // "filesystem" or "snapshot"
  uint64_t used = 0;       // bytes only this dataset holds
  uint64_t refer = 0;      // bytes reachable through it
  std::string origin;      // the snapshot it was cloned from, or ""
  std::string mountpoint;  // "" for a snapshot
  bool mounted = false;
  bool readonly = false;
  int64_t creation = 0;    // seconds since the epoch
};

// Called with a dataset's mountpoint before a verb that would pull the ground from under
// a running jail (rollback, destroy, rename, unmount); returns an error to refuse.
using InUseCheck = std::function<Result<void>(const std::string& dataset, const std::string& mountpoint)>;

// Fills a freshly made, still private directory (the future dataset contents).
using Populate = std::function<Result<void>(const std::string& dir)>;

struct StoreConfig {
  std::string root = "/var/lib/jail";  // the dataset root
  std::string backend;                 // "", "btrfs", "overlay", "directory", "zfs"
  std::string zfs_parent;              // zfs: the dataset under which ours live
  InUseCheck in_use;                   // may be empty
};

class Store {
 public:
  virtual ~Store() = default;
  virtual std::string backend() const = 0;

  // zfs create [-p]: an empty dataset, or one filled by `populate` before it appears.
  virtual Result<void> create(const DatasetName& ds, bool parents, const Populate& populate) = 0;
  virtual Result<void> snapshot(const DatasetName& snap) = 0;
  virtual Result<void> clone(const DatasetName& snap, const DatasetName& ds, bool parents) = 0;
  // zfs rollback [-r]: without `destroy_later` only the latest snapshot is allowed.
  virtual Result<void> rollback(const DatasetName& snap, bool destroy_later) = 0;
  // zfs destroy [-r]: refuses while snapshots (without -r) or clones depend on it.
  virtual Result<void> destroy(const DatasetName& name, bool recursive) = 0;
  virtual Result<void> rename(const DatasetName& from, const DatasetName& to) = 0;
  // `space`: measure used/refer (a walk of the files on the directory and overlay
  // backends); without it the sizes are 0 and the call is cheap.
  virtual Result<std::vector<DatasetInfo>> list(bool space = true) = 0;
  // Makes a dataset's files visible at its mountpoint (overlay: after a reboot).
  virtual Result<void> mount(const DatasetName& ds) = 0;
  virtual Result<void> unmount(const DatasetName& ds) = 0;
  virtual Result<void> set_readonly(const DatasetName& ds, bool readonly) = 0;
  // A directory holding the files of a dataset or snapshot, to read (export) them.
  // `release` undoes whatever was needed to provide it.
  virtual Result<std::string> open_for_read(const DatasetName& name, std::function<void()>& release) = 0;
  virtual std::string mountpoint(const DatasetName& ds) const = 0;
};

// Adds context to an error: "cannot rollback 'x'" + ": " + the error.
inline Result<void> in_context(Result<void> r, const std::string& context) {
  if (!r) return std::unexpected(std::move(r).error().context(context));
  return {};
}

// Opens the store at config.root, choosing the backend from config.backend, else from
// what was recorded there, else from the filesystem under the root.
Result<std::unique_ptr<Store>> open_store(const StoreConfig& config);

// The backend the filesystem at `root` suggests: btrfs on btrfs, overlay where the
// kernel has overlayfs, directory otherwise.
Result<std::string> detect_backend(const std::string& root);

}  // namespace jails::storage
