#include "storage/catalog.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <set>

#include "base/text.h"
#include "storage/crash_point.h"
#include "storage/fs_tree.h"
#include "storage/overlay_mount.h"

namespace jails::storage {
namespace {

using nlohmann::json;

json to_json(const Catalog& c) {
  json j = {{"format", "jailctl-catalog"}, {"version", 1}, {"backend", c.backend},
            {"next_seq", c.next_seq}, {"redo", c.redo}};
  if (!c.zfs_parent.empty()) j["zfs_parent"] = c.zfs_parent;
  json& ds = j["datasets"] = json::object();
  for (const auto& [name, d] : c.datasets)
    ds[name] = {{"id", d.id}, {"origin", d.origin}, {"readonly", d.readonly},
                {"lower", d.lower}, {"created", d.created}};
  json& sn = j["snapshots"] = json::object();
  for (const auto& [name, s] : c.snapshots)
    sn[name] = {{"id", s.id}, {"layers", s.layers}, {"created", s.created}, {"seq", s.seq}};
  return j;
}

Catalog from_json(const json& j) {
  Catalog c;
  c.backend = j.at("backend").get<std::string>();
  c.zfs_parent = j.value("zfs_parent", "");
  c.next_seq = j.at("next_seq").get<uint64_t>();
  c.redo = j.value("redo", json::array());
  for (const auto& [name, d] : j.at("datasets").items())
    c.datasets[name] = {d.at("id"), d.at("origin"), d.at("readonly"),
                        d.at("lower").get<std::vector<std::string>>(), d.at("created")};
  for (const auto& [name, s] : j.at("snapshots").items())
    c.snapshots[name] = {s.at("id"), s.at("layers").get<std::vector<std::string>>(),
                         s.at("created"), s.at("seq")};
  return c;
}

std::string parent_of(const std::string& path) {
  auto slash = path.rfind('/');
  return slash == std::string::npos || slash == 0 ? "/" : path.substr(0, slash);
}

bool same_inode(const std::string& path, uint64_t dev, uint64_t ino) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

}  // namespace

Result<CatalogRoot> CatalogRoot::open(const std::string& root, const std::string& backend,
                                      ObjectRemover remover) {
  std::string meta = root + "/.jailctl";
  for (const char* sub : {"", "/obj", "/tmp", "/empty"}) TRY(make_dirs(meta + sub));
  std::string lock_path = meta + "/lock";
  UniqueFd lock(::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!lock) return sys_fail("open({})", lock_path);
  if (::flock(lock.get(), LOCK_EX) != 0) return sys_fail("flock({}, LOCK_EX)", lock_path);
  CatalogRoot r(root, std::move(lock), std::move(remover));
  TRY(r.load());
  if (r.cat_.backend.empty()) {
    r.cat_.backend = backend;
    TRY(r.save());
  } else if (!backend.empty() && backend != r.cat_.backend) {
    return fail("dataset root {}: holds {} datasets; it cannot be used as backend {}", root,
                r.cat_.backend, backend);
  }
  TRY(r.run_redo());
  TRY(r.collect_garbage());
  return r;
}

CatalogRoot::~CatalogRoot() {
  if (lock_ && cat_.redo.empty()) (void)collect_garbage();
}

Result<void> CatalogRoot::load() {
  std::string path = root_ + "/.jailctl/catalog.json";
  auto text = read_file(path);
  if (!text) {
    if (errno == ENOENT) return {};
    return sys_fail("read({})", path);
  }
  try {
    cat_ = from_json(json::parse(*text));
  } catch (const std::exception& e) {
    return fail("{}: corrupt catalog: {}", path, e.what());
  }
  return {};
}

Result<void> CatalogRoot::save() {
  return write_file_atomic(root_ + "/.jailctl/catalog.json", to_json(cat_).dump(1) + "\n", 0600);
}

std::string CatalogRoot::new_tmp() {
  return fmt::format("{}/.jailctl/tmp/{}.{}", root_, ::getpid(), ++tmp_counter_);
}

std::string CatalogRoot::new_id() {
  static std::mt19937_64 rng(std::random_device{}() ^ ::getpid());
  return fmt::format("{:016x}", rng());
}

int64_t CatalogRoot::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch()).count();
}

Result<void> CatalogRoot::commit(const std::string& verb, json redo) {
  crash_point(verb + ":prepared");
  cat_.redo = std::move(redo);
  TRY(save());
  crash_point(verb + ":committed");
  TRY(run_redo());
  return collect_garbage();
}

Result<void> CatalogRoot::run_redo() {
  if (cat_.redo.empty()) return {};
  for (const auto& step : cat_.redo) TRY_CTX(run_step(step), "dataset root " + root_ + ": redo");
  crash_point("redo:done");
  cat_.redo = json::array();
  return save();
}

// Each step is idempotent: it checks whether it already happened before acting, so a
// redo list interrupted at any point can simply be run again.
Result<void> CatalogRoot::run_step(const json& step) {
  std::string op = step.at("op");
  if (op == "rename") {
    std::string from = step.at("from"), to = step.at("to");
    if (!path_exists(from)) return {};  // done before the crash
    if (path_exists(to)) return fail("rename({} -> {}): target exists", from, to);
    TRY(make_dirs(parent_of(to)));
    if (::rename(from.c_str(), to.c_str()) != 0) return sys_fail("rename({} -> {})", from, to);
  } else if (op == "exchange") {
    std::string a = step.at("a"), b = step.at("b");
    if (same_inode(b, step.at("dev"), step.at("ino"))) return {};
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) != 0)
      return sys_fail("renameat2({} <-> {}, RENAME_EXCHANGE)", a, b);
  } else if (op == "remove") {
    TRY(remover_(step.at("path")));
  } else if (op == "mkdir") {
    TRY(make_dirs(step.at("path")));
  } else if (op == "prune") {
    for (std::string p = step.at("path"); p.size() > root_.size(); p = parent_of(p))
      if (::rmdir(p.c_str()) != 0 && errno != ENOENT) break;  // not empty: a sibling lives there
  } else {
    return fail("unknown redo step '{}'", op);
  }
  return {};
}

Result<void> CatalogRoot::collect_garbage() {
  std::set<std::string> live;
  for (const auto& [n, d] : cat_.datasets) {
    live.insert(d.id);
    for (const auto& l : d.lower) live.insert(l.substr(0, l.find('/')));
  }
  for (const auto& [n, s] : cat_.snapshots) {
    live.insert(s.id);
    for (const auto& l : s.layers) live.insert(l.substr(0, l.find('/')));
  }
  for (const char* sub : {"/.jailctl/tmp", "/.jailctl/obj"}) {
    std::string dir = root_ + sub;
    DIR* d = ::opendir(dir.c_str());
    if (!d) return sys_fail("opendir({})", dir);
    std::vector<std::string> dead;
    while (auto* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      if (std::string(sub).ends_with("tmp") || !live.contains(n)) dead.push_back(dir + "/" + n);
    }
    ::closedir(d);
    for (const auto& p : dead) {
      // A crashed export may have left a read-only overlay mounted in tmp/.
      if (is_mountpoint(p)) (void)::umount2(p.c_str(), MNT_DETACH);
      TRY_CTX(remover_(p), "removing leftover " + p);
    }
  }
  return {};
}

json CatalogRoot::step_rename(const std::string& from, const std::string& to) {
  return {{"op", "rename"}, {"from", from}, {"to", to}};
}

Result<json> CatalogRoot::step_exchange(const std::string& fresh, const std::string& target) {
  struct stat st;
  if (::lstat(fresh.c_str(), &st) != 0) return sys_fail("lstat({})", fresh);
  return json{{"op", "exchange"}, {"a", fresh}, {"b", target},
              {"dev", static_cast<uint64_t>(st.st_dev)}, {"ino", static_cast<uint64_t>(st.st_ino)}};
}

json CatalogRoot::step_remove(const std::string& path) { return {{"op", "remove"}, {"path", path}}; }
json CatalogRoot::step_mkdir(const std::string& path) { return {{"op", "mkdir"}, {"path", path}}; }
json CatalogRoot::step_prune(const std::string& path) const { return {{"op", "prune"}, {"path", path}}; }

}  // namespace jails::storage
