#include "jail/child.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/mount.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "kernel/confine.h"
#include "kernel/devfs.h"


namespace jails::jail {

void ChildPlan::seal() {
  init_argv.clear();
  for (auto& a : init_args) init_argv.push_back(a.c_str());
  init_argv.push_back(nullptr);
}

namespace {

// Reports a failed step to the parent and ends the child. No allocation: the message
// is assembled in a fixed buffer.
[[noreturn]] void die(const ChildPlan& p, const char* what, const char* arg, int err) {
  ChildFailure f{};
  size_t n = 0;
  auto put = [&](const char* s) {
    while (s && *s && n + 1 < sizeof f.step) f.step[n++] = *s++;
  };
  put(what);
  if (arg) {
    put("(");
    put(arg);
    put(")");
  }
  f.err = err;
  (void)!::write(p.error_fd, &f, sizeof f);
  ::_exit(127);
}

void mount_proc_and_sys(const ChildPlan& p) {
  if (!p.proc_dir.empty()) {
    const char* proc = p.proc_dir.c_str();
    if (::mount("proc", proc, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0)
      die(p, "mount.procfs: mount", proc, errno);
    // Linux: /proc/sys and friends write to the host kernel. Root in the jail keeps
    // CAP_SYS_ADMIN for sethostname, so they are made read-only here and the seccomp
    // filter refuses any remount.
    static const char* const readonly[] = {"sys", "sysrq-trigger", "irq", "bus", "fs"};
    char path[4096];
    for (const char* sub : readonly) {
      int len = snprintf(path, sizeof path, "%s/%s", proc, sub);
      if (len <= 0 || static_cast<size_t>(len) >= sizeof path) continue;
      if (::access(path, F_OK) < 0) continue;
      if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) < 0 ||
          ::mount(nullptr, path, nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0)
        die(p, "mount.procfs: read-only bind", path, errno);
    }
  }
  if (!p.sys_dir.empty() &&
      ::mount("sysfs", p.sys_dir.c_str(), "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) < 0)
    die(p, "mount.procfs: mount sysfs", p.sys_dir.c_str(), errno);
}

void enter_root(const ChildPlan& p) {
  if (!p.pivot) return;
  const char* root = p.root.c_str();
  if (::chdir(root) < 0) die(p, "chdir", root, errno);
  // pivot_root(".", "."): the old root is stacked under the new one and detached at once,
  // with no directory needed inside the jail.
  if (::syscall(SYS_pivot_root, ".", ".") < 0) die(p, "pivot_root", root, errno);
  if (::umount2(".", MNT_DETACH) < 0) die(p, "umount2(old root)", root, errno);
  if (::chdir("/") < 0) die(p, "chdir", "/", errno);
}

}  // namespace

int child_main(void* arg) noexcept {
  const ChildPlan& p = *static_cast<const ChildPlan*>(arg);
  char go = 0;
  if (::read(p.sync_fd, &go, 1) != 1) ::_exit(127);  // the parent died or gave up
  ::close(p.sync_fd);
  // Now inside "jail/<name>": a cgroup namespace made here has the jail's cgroup as root.
  if (p.new_cgroup_ns && ::unshare(CLONE_NEWCGROUP) < 0) die(p, "unshare", "CLONE_NEWCGROUP", errno);
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) < 0) die(p, "mount", "/, rslave", errno);
  if (p.pivot && ::mount(p.root.c_str(), p.root.c_str(), nullptr, MS_BIND | MS_REC, nullptr) < 0)
    die(p, "mount(bind)", p.root.c_str(), errno);
  mount_proc_and_sys(p);
  const auto& cp = *static_cast<const kernel::ConfinePlan*>(p.confine);
  if (!p.proc_dir.empty()) {
    const char* step = nullptr;
    if (int err = kernel::mask_proc(p.proc_dir.c_str(), cp, &step)) die(p, "mount.procfs", step, err);
  }
  if (!p.dev_dir.empty()) {
    const char* step = nullptr;
    int err = kernel::make_devfs(p.dev_dir.c_str(), static_cast<const kernel::ConfinePlan*>(p.confine)->devfs, &step);
    if (err) die(p, "mount.devfs", step, err);
  }
  enter_root(p);
  if (p.new_uts) {
    if (::sethostname(p.hostname.data(), p.hostname.size()) < 0) die(p, "sethostname", p.hostname.c_str(), errno);
    if (::setdomainname(p.domainname.data(), p.domainname.size()) < 0)
      die(p, "setdomainname", p.domainname.c_str(), errno);
  }
  // pid 1 must not hold jail(8)'s terminal or pipes open for the jail's whole life.
  for (int fd = 0; fd < 3; ++fd)
    if (::dup2(p.null_fd, fd) < 0) die(p, "dup2", "/dev/null", errno);
  ::syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC);
  if (p.events_fd >= 0) ::fcntl(p.events_fd, F_SETFD, 0);
  {
    const char* step = nullptr;
    if (int err = kernel::apply_confinement(cp, &step)) die(p, "confinement", step, err);
  }
  static char* const envp[] = {nullptr};
  ::syscall(SYS_execveat, p.init_fd, "", p.init_argv.data(), envp, AT_EMPTY_PATH);
  die(p, "execveat", "jail-init", errno);
}

}  // namespace jails::jail
