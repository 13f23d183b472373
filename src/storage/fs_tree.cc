#include "storage/fs_tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "base/unique_fd.h"

namespace jails::storage {
namespace {

using InodeKey = std::pair<dev_t, ino_t>;

struct Copier {
  std::map<InodeKey, std::string> links;  // first copy of each multiply-linked file
  CopyStats stats;
};

Result<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return sys_fail("opendir({})", path);
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  return names;
}

Result<void> copy_xattrs(const std::string& src, const std::string& dst) {
  ssize_t len = ::llistxattr(src.c_str(), nullptr, 0);
  if (len < 0) {
    if (errno == ENOTSUP) return {};
    return sys_fail("llistxattr({})", src);
  }
  std::string names(len, '\0');
  len = ::llistxattr(src.c_str(), names.data(), names.size());
  if (len < 0) return sys_fail("llistxattr({})", src);
  for (size_t i = 0; i < static_cast<size_t>(len); i += std::strlen(names.c_str() + i) + 1) {
    const char* name = names.c_str() + i;
    ssize_t vlen = ::lgetxattr(src.c_str(), name, nullptr, 0);
    if (vlen < 0) return sys_fail("lgetxattr({}, {})", src, name);
    std::string value(vlen, '\0');
    vlen = ::lgetxattr(src.c_str(), name, value.data(), value.size());
    if (vlen < 0) return sys_fail("lgetxattr({}, {})", src, name);
    if (::lsetxattr(dst.c_str(), name, value.data(), vlen, 0) != 0)
      return sys_fail("lsetxattr({}, {})", dst, name);
  }
  return {};
}

Result<void> copy_by_read(int in, int out, const std::string& src, const std::string& dst) {
  char buf[1 << 16];
  while (true) {
    ssize_t n = ::read(in, buf, sizeof buf);
    if (n < 0) return sys_fail("read({})", src);
    if (n == 0) return {};
    for (ssize_t off = 0; off < n;) {
      ssize_t w = ::write(out, buf + off, n - off);
      if (w < 0) return sys_fail("write({})", dst);
      off += w;
    }
  }
}

Result<void> copy_data(const std::string& src, const std::string& dst, const struct stat& st,
                       Copier& c) {
  UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in) return sys_fail("open({})", src);
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777));
  if (!out) return sys_fail("open({}, O_CREAT)", dst);
  c.stats.files++;
  if (st.st_size == 0) return {};
  if (::ioctl(out.get(), FICLONE, in.get()) == 0) {
    c.stats.reflinked++;
    return {};
  }
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(in.get(), nullptr, out.get(), nullptr, left, 0);
    if (n < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
      return copy_by_read(in.get(), out.get(), src, dst);  // Linux: some pairs of filesystems
    if (n < 0) return sys_fail("copy_file_range({} -> {})", src, dst);
    if (n == 0) break;  // the file shrank while we copied it
    left -= n;
  }
  return {};
}

Result<void> set_attrs(const std::string& src, const std::string& dst, const struct stat& st) {
  if (::lchown(dst.c_str(), st.st_uid, st.st_gid) != 0) return sys_fail("lchown({})", dst);
  if (!S_ISLNK(st.st_mode) && ::chmod(dst.c_str(), st.st_mode & 07777) != 0)
    return sys_fail("chmod({})", dst);
  TRY(copy_xattrs(src, dst));
  struct timespec times[2] = {st.st_atim, st.st_mtim};
  if (::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0)
    return sys_fail("utimensat({})", dst);
  return {};
}

Result<void> copy_node(const std::string& src, const std::string& dst, Copier& c);

Result<void> copy_dir(const std::string& src, const std::string& dst, const struct stat& st,
                      Copier& c) {
  if (::mkdir(dst.c_str(), 0700) != 0) return sys_fail("mkdir({})", dst);
  for (const auto& n : TRY(list_dir(src))) TRY(copy_node(src + "/" + n, dst + "/" + n, c));
  return set_attrs(src, dst, st);  // last, so the children do not touch the mtime again
}

Result<void> copy_node(const std::string& src, const std::string& dst, Copier& c) {
  struct stat st;
  if (::lstat(src.c_str(), &st) != 0) return sys_fail("lstat({})", src);
  if (S_ISDIR(st.st_mode)) return copy_dir(src, dst, st, c);
  if (st.st_nlink > 1) {
    auto [it, fresh] = c.links.emplace(InodeKey{st.st_dev, st.st_ino}, dst);
    if (!fresh) {
      if (::link(it->second.c_str(), dst.c_str()) != 0)
        return sys_fail("link({} -> {})", it->second, dst);
      return {};
    }
  }
  if (S_ISREG(st.st_mode)) {
    TRY(copy_data(src, dst, st, c));
  } else if (S_ISLNK(st.st_mode)) {
    std::string target(st.st_size + 1, '\0');
    ssize_t n = ::readlink(src.c_str(), target.data(), target.size());
    if (n < 0) return sys_fail("readlink({})", src);
    target.resize(n);
    if (::symlink(target.c_str(), dst.c_str()) != 0) return sys_fail("symlink({})", dst);
  } else {
    // Devices, fifos, sockets; overlayfs whiteouts are character devices 0:0.
    if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) return sys_fail("mknod({})", dst);
  }
  return set_attrs(src, dst, st);
}

Result<void> remove_at(int dirfd, const std::string& name, const std::string& shown) {
  if (::unlinkat(dirfd, name.c_str(), 0) == 0 || errno == ENOENT) return {};
  if (errno != EISDIR) return sys_fail("unlink({})", shown);
  UniqueFd fd(::openat(dirfd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) return sys_fail("open({})", shown);
  DIR* d = ::fdopendir(::dup(fd.get()));
  if (!d) return sys_fail("fdopendir({})", shown);
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  for (const auto& n : names) TRY(remove_at(fd.get(), n, shown + "/" + n));
  if (::unlinkat(dirfd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT)
    return sys_fail("rmdir({})", shown);
  return {};
}

Result<void> usage_of(const std::string& path, std::set<InodeKey>& seen, uint64_t& total) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) return sys_fail("lstat({})", path);
  if (st.st_nlink > 1 && !S_ISDIR(st.st_mode) && !seen.insert({st.st_dev, st.st_ino}).second)
    return {};
  total += static_cast<uint64_t>(st.st_blocks) * 512;
  if (S_ISDIR(st.st_mode))
    for (const auto& n : TRY(list_dir(path))) TRY(usage_of(path + "/" + n, seen, total));
  return {};
}

}  // namespace

Result<CopyStats> copy_tree(const std::string& src, const std::string& dst) {
  Copier c;
  TRY(copy_node(src, dst, c));
  return c.stats;
}

Result<void> remove_tree(const std::string& path) {
  return remove_at(AT_FDCWD, path, path);
}

Result<uint64_t> disk_usage(const std::string& path) {
  std::set<InodeKey> seen;
  uint64_t total = 0;
  TRY(usage_of(path, seen, total));
  return total;
}

Result<void> make_dirs(const std::string& path) {
  if (path.empty()) return {};
  for (size_t pos = 1;; ++pos) {
    pos = path.find('/', pos);
    std::string part = path.substr(0, pos);
    if (::mkdir(part.c_str(), 0755) != 0 && errno != EEXIST) return sys_fail("mkdir({})", part);
    if (pos == std::string::npos) return {};
  }
}

Result<void> write_file_atomic(const std::string& path, const std::string& data, int mode) {
  std::string tmp = path + ".tmp." + std::to_string(::getpid());
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return sys_fail("open({})", tmp);
  for (size_t off = 0; off < data.size();) {
    ssize_t n = ::write(fd.get(), data.data() + off, data.size() - off);
    if (n < 0) {
      ::unlink(tmp.c_str());
      return sys_fail("write({})", tmp);
    }
    off += n;
  }
  if (::fsync(fd.get()) != 0) {
    ::unlink(tmp.c_str());
    return sys_fail("fsync({})", tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return sys_fail("rename({} -> {})", tmp, path);
  }
  auto slash = path.rfind('/');
  UniqueFd dir(::open(slash == 0 ? "/" : slash == std::string::npos ? "." : path.substr(0, slash).c_str(),
                      O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (dir) ::fsync(dir.get());
  return {};
}

bool path_exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

}  // namespace jails::storage
