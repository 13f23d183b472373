#include "kernel/devfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "base/unique_fd.h"

namespace jails::kernel {

namespace {

int step_fail(const char** failed_step, const char* step) {
  *failed_step = step;
  return errno;
}

// "<dev>/<sub>" into buf; false if it does not fit.
bool join(char* buf, size_t size, const char* dev, const char* sub) {
  int n = std::snprintf(buf, size, "%s/%s", dev, sub);
  return n > 0 && static_cast<size_t>(n) < size;
}

int make_node(int dfd, const DeviceNode& n, const char** failed_step) {
  if (::mknodat(dfd, n.name, S_IFCHR | 0666, makedev(n.major, n.minor)) < 0)
    return step_fail(failed_step, "mknod");
  // The umask of whoever ran jail(8) must not narrow the modes.
  if (::fchmodat(dfd, n.name, 0666, 0) < 0) return step_fail(failed_step, "chmod");
  return 0;
}

int make_fd_links(int dfd, bool fdescfs, const char** failed_step) {
  static const char* const std_names[] = {"stdin", "stdout", "stderr"};
  static const char* const fd_targets[] = {"/proc/self/fd/0", "/proc/self/fd/1", "/proc/self/fd/2"};
  for (int i = 0; i < 3; ++i)
    if (::symlinkat(fd_targets[i], dfd, std_names[i]) < 0) return step_fail(failed_step, "symlink(stdin|stdout|stderr)");
  // FreeBSD: without fdescfs, devfs still offers /dev/fd/0, 1 and 2.
  if (fdescfs) {
    if (::symlinkat("/proc/self/fd", dfd, "fd") < 0) return step_fail(failed_step, "symlink(fd)");
    return 0;
  }
  static const char* const fd_names[] = {"fd/0", "fd/1", "fd/2"};
  if (::mkdirat(dfd, "fd", 0555) < 0) return step_fail(failed_step, "mkdir(fd)");
  for (int i = 0; i < 3; ++i)
    if (::symlinkat(fd_targets[i], dfd, fd_names[i]) < 0) return step_fail(failed_step, "symlink(fd/N)");
  return 0;
}

int mount_pts_and_shm(const char* dev_path, int dfd, const DevfsPlan& plan, const char** failed_step) {
  char path[4096], opts[128];
  if (::mkdirat(dfd, "pts", 0755) < 0) return step_fail(failed_step, "mkdir(pts)");
  if (!join(path, sizeof path, dev_path, "pts")) return *failed_step = "pts: path too long", ENAMETOOLONG;
  // Linux: a devpts of its own (newinstance), so the jail sees and reaches only its ptys.
  std::snprintf(opts, sizeof opts, "newinstance,ptmxmode=0666,mode=0620,gid=%u", plan.pts_gid);
  if (::mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, opts) < 0)
    return step_fail(failed_step, "mount(devpts, pts)");
  if (::symlinkat("pts/ptmx", dfd, "ptmx") < 0) return step_fail(failed_step, "symlink(ptmx)");
  if (::mkdirat(dfd, "shm", 01777) < 0 || ::fchmodat(dfd, "shm", 01777, 0) < 0)
    return step_fail(failed_step, "mkdir(shm)");
  if (!join(path, sizeof path, dev_path, "shm")) return *failed_step = "shm: path too long", ENAMETOOLONG;
  if (::mount("shm", path, "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777") < 0)
    return step_fail(failed_step, "mount(tmpfs, shm)");
  return 0;
}

}  // namespace

int make_devfs(const char* dev_path, const DevfsPlan& plan, const char** failed_step) noexcept {
  // Small on purpose: nodes and links take no blocks. Not nodev, or nothing here opens.
  if (::mount("devfs", dev_path, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=64k,nr_inodes=1024") < 0)
    return step_fail(failed_step, "mount(tmpfs)");
  UniqueFd dfd(::open(dev_path, O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!dfd) return step_fail(failed_step, "open");
  for (const DeviceNode& n : kDevfsNodes)
    if (int err = make_node(dfd.get(), n, failed_step)) return err;
  if (plan.fuse)
    if (int err = make_node(dfd.get(), kFuseNode, failed_step)) return err;
  if (plan.kvm)
    if (int err = make_node(dfd.get(), kKvmNode, failed_step)) return err;
  if (int err = make_fd_links(dfd.get(), plan.fdescfs, failed_step)) return err;
  return mount_pts_and_shm(dev_path, dfd.get(), plan, failed_step);
}

}  // namespace jails::kernel
