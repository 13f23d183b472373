// The ZFS backend: every verb is one `zfs` command on <zfs_parent>/<name>; ZFS keeps
// origins, snapshots and mountpoints itself and is atomic per command. The one verb
// that is several steps, create-and-fill (template, import), marks the dataset with the
// user property jailctl:incomplete=yes until it is filled; the next jailctl on the root
// destroys datasets still so marked, so a crash leaves the old state.
#include <algorithm>
#include <map>

#include <unistd.h>

#include "base/text.h"
#include "storage/catalog.h"
#include "storage/crash_point.h"
#include "storage/store.h"
#include "storage/zfs_command.h"

namespace jails::storage {
namespace {

constexpr const char* kIncomplete = "jailctl:incomplete";

class ZfsStore final : public Store {
 public:
  ZfsStore(CatalogRoot root, InUseCheck in_use)
      : root_(std::move(root)), in_use_(std::move(in_use)), parent_(root_.cat().zfs_parent) {}

  std::string backend() const override { return "zfs"; }
  std::string full(const DatasetName& n) const { return parent_ + "/" + n.full(); }

  std::string mountpoint(const DatasetName& ds) const override {
    auto out = run_zfs({"get", "-H", "-o", "value", "mountpoint", parent_ + "/" + ds.dataset});
    return out ? std::string(trim(*out)) : std::string();
  }

  Result<void> discard_incomplete() {
    auto props = TRY(properties());
    for (const auto& [name, p] : props)
      if (p.count(kIncomplete) && p.at(kIncomplete) == "yes" && p.at("type") == "filesystem")
        TRY(destroy_tree(name));
    return {};
  }

  Result<void> check_in_use(const DatasetName& ds, const char* verb) {
    if (!in_use_) return {};
    return in_context(in_use_(ds.dataset, mountpoint(ds)), fmt::format("cannot {} '{}'", verb, ds.full()));
  }

  Result<void> create(const DatasetName& ds, bool parents, const Populate& populate) override {
    std::vector<std::string> args{"create"};
    if (parents) args.push_back("-p");
    if (populate) args.insert(args.end(), {"-o", std::string(kIncomplete) + "=yes"});
    args.push_back(full(ds));
    TRY(run_zfs(args));
    if (!populate) return {};
    crash_point("create:prepared");
    TRY(populate(mountpoint(ds)));
    crash_point("create:populated");
    TRY(run_zfs({"set", std::string(kIncomplete) + "=no", full(ds)}));
    return {};
  }

  Result<void> snapshot(const DatasetName& snap) override {
    TRY(run_zfs({"snapshot", full(snap)}));
    return {};
  }

  Result<void> clone(const DatasetName& snap, const DatasetName& ds, bool parents) override {
    std::vector<std::string> args{"clone"};
    if (parents) args.push_back("-p");
    args.insert(args.end(), {full(snap), full(ds)});
    TRY(run_zfs(args));
    crash_point("clone:committed");  // as the other backends name the same moment
    return {};
  }

  Result<void> rollback(const DatasetName& snap, bool destroy_later) override {
    TRY(check_in_use(snap, "rollback"));
    std::vector<std::string> args{"rollback"};
    if (destroy_later) args.push_back("-r");
    args.push_back(full(snap));
    TRY(run_zfs(args));
    return {};
  }

  // zfs-fuse answers "dataset is busy" to destroy and rename of a mounted dataset
  // (OpenZFS unmounts by itself): unmount it and what lies below, deepest first.
  // zfs-fuse lets go of an unmounted dataset a moment after umount returns; until then
  // destroy and rename answer "dataset is busy". Wait for it, up to five seconds.
  static Result<std::string> run_settled(const std::vector<std::string>& args) {
    for (int i = 0;; ++i) {
      auto r = run_zfs(args);
      if (r || i == 50 || r.error().message.find("dataset is busy") == std::string::npos) return r;
      ::usleep(100 * 1000);
    }
  }

  Result<void> unmount_tree(const std::string& target) {
    // Every filesystem, not only those whose "mounted" says yes: zfs-fuse reports a
    // dataset it mounted a moment ago as not mounted.
    auto out = TRY(run_zfs({"list", "-H", "-o", "name", "-r", "-t", "filesystem", target}));
    auto names = split(out, '\n');
    std::erase(names, std::string());
    std::sort(names.rbegin(), names.rend());
    for (const auto& n : names)
      if (auto r = run_zfs({"umount", n}); !r && r.error().message.find("not currently mounted") == std::string::npos)
        return std::unexpected(r.error());
    return {};
  }

  // zfs destroy -r, one dataset at a time: zfs-fuse's own -r answers "dataset is busy"
  // for a dataset without snapshots. Snapshots and children go first (names sort after
  // their parent's, so reverse order is deepest first).
  Result<void> destroy_tree(const std::string& target) {
    auto out = TRY(run_zfs({"list", "-H", "-o", "name", "-r", "-t", "filesystem,snapshot", target}));
    auto names = split(out, '\n');
    std::erase(names, std::string());
    std::sort(names.rbegin(), names.rend());
    for (const auto& n : names) {
      if (n.find('@') == std::string::npos) TRY(unmount_tree(n));
      TRY(run_settled({"destroy", n}));
    }
    return {};
  }

  Result<void> destroy(const DatasetName& name, bool recursive) override {
    if (!name.is_snapshot()) TRY(check_in_use(name, "destroy"));
    if (name.is_snapshot()) {
      TRY(run_zfs({"destroy", full(name)}));
      return {};
    }
    if (recursive) return destroy_tree(full(name));
    TRY(unmount_tree(full(name)));
    auto r = run_settled({"destroy", full(name)});
    if (!r) {
      (void)run_zfs({"mount", full(name)});  // refused (snapshots, children): as it was
      return std::unexpected(r.error());
    }
    return {};
  }

  Result<void> rename(const DatasetName& from, const DatasetName& to) override {
    if (from.is_snapshot()) {
      TRY(run_zfs({"rename", full(from), full(to)}));
      return {};
    }
    TRY(check_in_use(from, "rename"));
    TRY(unmount_tree(full(from)));
    auto renamed = run_settled({"rename", full(from), full(to)});
    TRY(run_zfs({"mount", renamed ? full(to) : full(from)}));
    if (!renamed) return std::unexpected(renamed.error());
    return {};
  }

  using Props = std::map<std::string, std::map<std::string, std::string>>;
  Result<Props> properties() {
    auto out = TRY(run_zfs({"get", "-H", "-p", "-r", "-o", "name,property,value",
                            "type,used,referenced,origin,mountpoint,creation,mounted,readonly," +
                                std::string(kIncomplete), parent_}));
    Props props;
    for (const auto& line : split(out, '\n')) {
      auto f = split(line, '\t');
      if (f.size() == 3 && f[0] != parent_) props[f[0]][f[1]] = f[2];
    }
    return props;
  }

  Result<std::vector<DatasetInfo>> list(bool) override {
    std::vector<DatasetInfo> out;
    auto num = [](const std::string& v) { return static_cast<uint64_t>(parse_int(v).value_or(0)); };
    for (const auto& [name, p] : TRY(properties())) {
      auto get = [&](const char* k) { return p.count(k) && p.at(k) != "-" ? p.at(k) : std::string(); };
      DatasetInfo i;
      i.name = name.substr(parent_.size() + 1);
      i.type = get("type");
      i.used = num(get("used"));
      i.refer = num(get("referenced"));
      std::string origin = get("origin");
      i.origin = starts_with(origin, parent_ + "/") ? origin.substr(parent_.size() + 1) : origin;
      i.mountpoint = i.type == "snapshot" ? "" : get("mountpoint");
      i.mounted = get("mounted") == "yes";
      i.readonly = get("readonly") == "on";
      i.creation = parse_int(get("creation")).value_or(0);
      if (get(kIncomplete) == "yes") i.type += " (incomplete)";
      out.push_back(std::move(i));
    }
    return out;
  }

  Result<void> mount(const DatasetName& ds) override {
    auto mounted = TRY(run_zfs({"get", "-H", "-o", "value", "mounted", full(ds)}));
    if (trim(mounted) != "yes") TRY(run_zfs({"mount", full(ds)}));
    return {};
  }

  Result<void> unmount(const DatasetName& ds) override {
    TRY(check_in_use(ds, "unmount"));
    TRY(run_zfs({"umount", full(ds)}));
    return {};
  }

  Result<void> set_readonly(const DatasetName& ds, bool readonly) override {
    TRY(run_zfs({"set", readonly ? "readonly=on" : "readonly=off", full(ds)}));
    return {};
  }

  // A snapshot's files through a short-lived clone (zfs-fuse has no .zfs directory);
  // marked incomplete, so a crash while exporting leaves nothing that survives.
  Result<std::string> open_for_read(const DatasetName& name, std::function<void()>& release) override {
    release = [] {};
    if (!name.is_snapshot()) {
      TRY(mount(name));
      return mountpoint(name);
    }
    DatasetName tmp{"jailctl-read-" + root_.new_id(), ""};
    TRY(run_zfs({"clone", "-o", std::string(kIncomplete) + "=yes", "-o", "readonly=on",
                 full(name), full(tmp)}));
    std::string target = full(tmp);
    release = [target] {
      (void)run_zfs({"umount", target});
      (void)run_settled({"destroy", target});
    };
    return mountpoint(tmp);
  }

 private:
  CatalogRoot root_;
  InUseCheck in_use_;
  std::string parent_;
};

}  // namespace

Result<std::unique_ptr<Store>> make_zfs_store(CatalogRoot root, InUseCheck in_use) {
  auto store = std::make_unique<ZfsStore>(std::move(root), std::move(in_use));
  TRY(store->discard_incomplete());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace jails::storage
