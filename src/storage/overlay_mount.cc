#include "storage/overlay_mount.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/unique_fd.h"

namespace jails::storage {
namespace {

// The kernel explains a failed fsconfig() in the context's log, readable from the fd:
// "e overlay: failed to resolve '/x': -2". Append it to our message.
std::string context_log(int fd) {
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf - 1)) > 0) {
    buf[n] = '\0';
    std::string line(buf, n);
    while (!line.empty() && line.back() == '\n') line.pop_back();
    out += (out.empty() ? " [" : "; ") + line;
  }
  return out.empty() ? out : out + "]";
}

Result<void> set_string(int fd, const char* key, const std::string& value) {
  if (::fsconfig(fd, FSCONFIG_SET_STRING, key, value.c_str(), 0) != 0) {
    int e = errno;
    return errno_fail(e, fmt::format("fsconfig(overlay, {}={}){}", key, value, context_log(fd)));
  }
  return {};
}

}  // namespace

Result<void> mount_overlay(const OverlaySpec& spec, const std::string& target) {
  if (spec.lower.empty()) return fail("overlay on {}: no lower layer", target);
  if (spec.lower.size() > kOverlayMaxLayers)
    return fail("overlay on {}: {} layers exceed the kernel's limit of {}", target,
                spec.lower.size(), kOverlayMaxLayers);
  UniqueFd fs(::fsopen("overlay", FSOPEN_CLOEXEC));
  if (!fs) return sys_fail("fsopen(overlay)");
  for (const auto& l : spec.lower) TRY(set_string(fs.get(), "lowerdir+", l));
  if (!spec.upper.empty()) {
    TRY(set_string(fs.get(), "upperdir", spec.upper));
    TRY(set_string(fs.get(), "workdir", spec.work));
  }
  if (::fsconfig(fs.get(), FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) {
    int e = errno;
    return errno_fail(e, fmt::format("fsconfig(overlay for {}, FSCONFIG_CMD_CREATE){}", target,
                                     context_log(fs.get())));
  }
  unsigned attrs = spec.readonly || spec.upper.empty() ? MOUNT_ATTR_RDONLY : 0;
  UniqueFd mnt(::fsmount(fs.get(), FSMOUNT_CLOEXEC, attrs));
  if (!mnt) return sys_fail("fsmount(overlay for {})", target);
  if (::move_mount(mnt.get(), "", AT_FDCWD, target.c_str(), MOVE_MOUNT_F_EMPTY_PATH) != 0)
    return sys_fail("move_mount(overlay -> {})", target);
  return {};
}

bool is_mountpoint(const std::string& path) {
  struct statx stx;
  if (::statx(AT_FDCWD, path.c_str(), AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) != 0) return false;
  return (stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) &&
         (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT);
}

Result<void> unmount_path(const std::string& path) {
  if (::umount2(path.c_str(), UMOUNT_NOFOLLOW) != 0) return sys_fail("umount({})", path);
  return {};
}

}  // namespace jails::storage
