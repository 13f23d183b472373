#include "kernel/cgroup.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

#include "base/text.h"
#include "base/unique_fd.h"

namespace jails::kernel {

namespace {

CgroupLayout read_layout() {
  CgroupLayout layout;
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    // id parent major:minor root mountpoint options [optional...] - fstype source superopts
    auto dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    auto left = split_blanks(line.substr(0, dash));
    auto right = split_blanks(line.substr(dash + 3));
    if (left.size() < 5 || right.size() < 3) continue;
    Hierarchy h;
    h.root = left[4];
    if (right[0] == "cgroup2") {
      h.v2 = true;
      if (auto c = read_file(h.root + "/cgroup.controllers")) h.controllers = split_blanks(*c);
    } else if (right[0] == "cgroup") {
      for (const auto& opt : split(right[2], ',')) {
        if (opt == "rw" || opt == "ro" || starts_with(opt, "name=") || opt == "xattr" ||
            opt == "clone_children" || starts_with(opt, "release_agent") || opt == "noprefix")
          continue;
        h.controllers.push_back(opt);
      }
      if (h.controllers.empty()) continue;  // named hierarchies (name=systemd) hold no limits
    } else {
      continue;
    }
    layout.hierarchies.push_back(std::move(h));
  }
  return layout;
}

bool exists(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0;
}

Result<void> write_text(const std::string& path, std::string_view text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return sys_fail("open({})", path);
  if (::write(fd.get(), text.data(), text.size()) < 0) return sys_fail("write({}, {})", path, text);
  return {};
}

Result<void> mkdir_one(const std::string& path) {
  if (::mkdir(path.c_str(), 0755) < 0 && errno != EEXIST) return sys_fail("mkdir({})", path);
  return {};
}

bool has(const Hierarchy& h, std::string_view c) {
  for (const auto& x : h.controllers)
    if (x == c) return true;
  return false;
}

// cpuset v1 refuses tasks in a cgroup whose cpus/mems are empty: copy the parent's.
Result<void> seed_cpuset(const std::string& parent, const std::string& dir) {
  for (const char* f : {"cpuset.cpus", "cpuset.mems"}) {
    auto cur = read_file(dir + "/" + f);
    if (cur && !trim(*cur).empty()) continue;
    auto val = read_file(parent + "/" + f);
    if (!val) return sys_fail("read({}/{})", parent, f);
    TRY(write_text(dir + "/" + f, trim(*val)));
  }
  return {};
}

}  // namespace

const Hierarchy* CgroupLayout::v2() const {
  for (const auto& h : hierarchies)
    if (h.v2) return &h;
  return nullptr;
}

const Hierarchy* CgroupLayout::find(const std::string& controller) const {
  for (const auto& h : hierarchies)
    if (!h.v2 && has(h, controller)) return &h;
  for (const auto& h : hierarchies)
    if (h.v2 && has(h, controller)) return &h;
  return nullptr;
}

const CgroupLayout& cgroup_layout() {
  static const CgroupLayout layout = read_layout();
  return layout;
}

std::string jail_cgroup(const std::string& name) { return "jail/" + name; }

std::string cgroup_file(const Hierarchy& h, const std::string& rel, const std::string& file) {
  return h.root + "/" + rel + "/" + file;
}

Result<void> cgroup_create(const std::string& rel) {
  for (const auto& h : cgroup_layout().hierarchies) {
    std::string path = h.root;
    for (const auto& part : split(rel, '/')) {
      std::string parent = path;
      path += "/" + part;
      TRY(mkdir_one(path));
      if (!h.v2 && has(h, "cpuset")) TRY(seed_cpuset(parent, path));
    }
    if (h.v2) TRY(mkdir_one(path + "/procs"));
  }
  return {};
}

Result<void> cgroup_attach(pid_t pid, const std::string& rel, const std::string& rel_v2) {
  std::string text = std::to_string(pid);
  for (const auto& h : cgroup_layout().hierarchies)
    TRY(write_text(cgroup_file(h, h.v2 ? rel_v2 : rel, "cgroup.procs"), text));
  return {};
}

namespace {

std::vector<pid_t> procs_of(const std::string& dir, bool recursive) {
  std::vector<pid_t> out;
  if (auto text = read_file(dir + "/cgroup.procs"))
    for (const auto& w : split_blanks(*text))
      if (auto v = parse_int(w)) out.push_back(static_cast<pid_t>(*v));
  if (recursive && exists(dir + "/procs")) {
    auto more = procs_of(dir + "/procs", false);
    out.insert(out.end(), more.begin(), more.end());
  }
  return out;
}

}  // namespace

std::vector<pid_t> cgroup_pids(const std::string& rel) {
  const auto& layout = cgroup_layout();
  if (const Hierarchy* v2 = layout.v2()) return procs_of(v2->root + "/" + rel, true);
  if (const Hierarchy* p = layout.find("pids")) return procs_of(p->root + "/" + rel, false);
  return {};
}

Result<void> cgroup_destroy(const std::string& rel) {
  const auto& layout = cgroup_layout();
  // Linux: cgroup.kill (5.14) kills the whole subtree at once, including processes
  // being forked; without it, kill what cgroup.procs lists until it stays empty.
  if (const Hierarchy* v2 = layout.v2(); v2 && exists(v2->root + "/" + rel + "/cgroup.kill"))
    (void)write_text(v2->root + "/" + rel + "/cgroup.kill", "1");
  for (int round = 0; round < 200; ++round) {
    auto pids = cgroup_pids(rel);
    if (pids.empty()) break;
    for (pid_t p : pids) ::kill(p, SIGKILL);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (const auto& h : layout.hierarchies) {
    std::string dir = h.root + "/" + rel;
    if (h.v2 && exists(dir + "/procs") && ::rmdir((dir + "/procs").c_str()) < 0 && errno != ENOENT)
      return sys_fail("rmdir({}/procs)", dir);
    // A killed task leaves its cgroup a moment after it dies: retry EBUSY briefly.
    for (int i = 0;; ++i) {
      if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) break;
      if (errno != EBUSY || i >= 400) return sys_fail("rmdir({})", dir);
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  return {};
}

}  // namespace jails::kernel
