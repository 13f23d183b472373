#include "kernel/mount.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <fstream>

#include "base/text.h"

namespace jails::kernel {

Result<std::optional<FstabEntry>> parse_fstab_line(const std::string& line) {
  std::string_view l = line;
  if (auto hash = l.find('#'); hash != std::string_view::npos) l = l.substr(0, hash);
  auto f = split_blanks(l);
  if (f.empty()) return std::optional<FstabEntry>();
  if (f.size() < 3) return fail("{}: missing information", std::string(trim(line)));
  return std::optional<FstabEntry>(FstabEntry{f[0], f[1], f[2], f.size() > 3 ? f[3] : ""});
}

Result<UniqueFd> open_in_root(const std::string& root, const std::string& rel, int flags) {
  UniqueFd rootfd(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!rootfd) return sys_fail("open({})", root);
  open_how how{};
  how.flags = static_cast<uint64_t>(flags) | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  int fd = static_cast<int>(::syscall(SYS_openat2, rootfd.get(), rel.c_str(), &how, sizeof how));
  if (fd < 0) return sys_fail("openat2({}, {}, RESOLVE_IN_ROOT)", root, rel);
  return UniqueFd(fd);
}

Result<std::string> resolve_in_root(const std::string& root, const std::string& rel) {
  auto fd = TRY(open_in_root(root, rel, O_PATH));
  char buf[PATH_MAX];
  std::string link = "/proc/self/fd/" + std::to_string(fd.get());
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return sys_fail("readlink({})", link);
  std::string path(buf, static_cast<size_t>(n));
  std::string r = root == "/" ? "" : root;
  if (path != root && !starts_with(path, r + "/"))
    return fail("{}: resolves outside {}", rel, root);
  return path;
}

bool is_mount_point(const std::string& path) {
  std::ifstream in("/proc/self/mountinfo");
  std::string line;
  while (std::getline(in, line)) {
    auto f = split_blanks(line);
    if (f.size() > 4 && f[4] == path) return true;
  }
  return false;
}

namespace {

struct Flags {
  unsigned long flags = 0;
  std::string data;
};

Flags parse_opts(const std::string& opts) {
  static const struct { const char* name; unsigned long set, clear; } table[] = {
      {"ro", MS_RDONLY, 0},          {"rdonly", MS_RDONLY, 0},  {"rw", 0, MS_RDONLY},
      {"nosuid", MS_NOSUID, 0},      {"noexec", MS_NOEXEC, 0},  {"nodev", MS_NODEV, 0},
      {"noatime", MS_NOATIME, 0},    {"sync", MS_SYNCHRONOUS, 0}, {"bind", MS_BIND, 0},
      {"rbind", MS_BIND | MS_REC, 0}, {"suid", 0, MS_NOSUID},   {"exec", 0, MS_NOEXEC},
      {"dev", 0, MS_NODEV},          {"defaults", 0, 0},       {"late", 0, 0},
      {"auto", 0, 0},                {"noauto", 0, 0},
  };
  Flags out;
  for (const auto& o : split(opts, ',')) {
    if (o.empty()) continue;
    bool known = false;
    for (const auto& t : table)
      if (o == t.name) {
        out.flags = (out.flags | t.set) & ~t.clear;
        known = true;
      }
    if (!known) out.data += (out.data.empty() ? "" : ",") + o;
  }
  return out;
}

}  // namespace

Result<std::string> mount_entry(const FstabEntry& e, const std::string& root) {
  if (e.mntpt.empty() || e.mntpt[0] != '/') return fail("{}: not an absolute pathname", e.mntpt);
  // FreeBSD: the mount point is a host path that must lie under the jail's path; here it
  // is resolved inside the jail's root so no symlink can lead it out.
  std::string r = root == "/" ? "" : root;
  if (e.mntpt != root && !starts_with(e.mntpt, r + "/"))
    return fail("{}: mount point outside the jail's path {}", e.mntpt, root);
  std::string target = TRY(resolve_in_root(root, e.mntpt.substr(r.size())));
  Flags f = parse_opts(e.opts);
  std::string type = e.type;
  if (type == "nullfs") f.flags |= MS_BIND | MS_REC;  // FreeBSD nullfs = Linux bind mount
  if (type == "procfs" || type == "linprocfs") type = "proc";
  if (type == "linsysfs") type = "sysfs";
  if (type == "fdescfs") return fail("{}: fdescfs: use mount.fdescfs (/dev/fd is a link to /proc/self/fd on Linux)", e.mntpt);
  if (type == "devfs") return fail("{}: devfs: use mount.devfs", e.mntpt);
  const char* data = f.data.empty() ? nullptr : f.data.c_str();
  if (f.flags & MS_BIND) {
    if (::mount(e.spec.c_str(), target.c_str(), nullptr, f.flags & (MS_BIND | MS_REC), nullptr) < 0)
      return sys_fail("mount({} -> {}, bind)", e.spec, target);
    unsigned long re = f.flags & (MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_NOATIME);
    if (re && ::mount(nullptr, target.c_str(), nullptr, MS_REMOUNT | MS_BIND | re, nullptr) < 0) {
      auto err = sys_fail("mount({}, remount,bind,{})", target, e.opts);
      ::umount2(target.c_str(), MNT_DETACH);
      return err;
    }
    return target;
  }
  if (::mount(e.spec.c_str(), target.c_str(), type.c_str(), f.flags, data) < 0)
    return sys_fail("mount({} -> {}, {})", e.spec, target, type);
  return target;
}

Result<void> unmount_entry(const FstabEntry& e) {
  if (!is_mount_point(e.mntpt)) return fail("{}: not a mount point", e.mntpt);
  if (::umount2(e.mntpt.c_str(), MNT_DETACH) < 0) return sys_fail("umount({})", e.mntpt);
  return {};
}

}  // namespace jails::kernel
