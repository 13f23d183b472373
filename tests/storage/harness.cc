#include "harness.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace jails::storage::test {
namespace {

std::string base_dir() {
  static std::string dir = [] {
    std::string d = "/tmp/t" + std::to_string(::getpid()) + "_storage";
    sh("mkdir -p " + d);
    return d;
  }();
  return dir;
}

// One per backend that needs a device or a daemon, made on first use.
struct Pool {
  bool tried = false, ok = false;
  std::string why, mnt;
  std::string loopdev, image;  // btrfs
  pid_t daemon = 0;            // zfs-fuse
  std::string pool;            // zfs
};
Pool btrfs_pool, zfs_pool;

void read_all(int fd, std::string& into) {
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) into.append(buf, n);
}

void setup_btrfs(Pool& p) {
  p.image = base_dir() + "/btrfs.img";
  p.mnt = base_dir() + "/btrfs";
  Ran r = sh("truncate -s 1G " + p.image + " && losetup -f --show " + p.image);
  if (!r.ok()) {
    p.why = "losetup: " + r.err;
    return;
  }
  p.loopdev = r.out.substr(0, r.out.find('\n'));
  r = sh("mkfs.btrfs -q -f " + p.loopdev + " && mkdir -p " + p.mnt + " && mount " + p.loopdev + " " + p.mnt +
         " && btrfs quota enable " + p.mnt);
  if (!r.ok()) {
    p.why = "mkfs.btrfs/mount: " + r.err;
    return;
  }
  p.ok = true;
}

void setup_zfs(Pool& p) {
  p.image = base_dir() + "/zfs.img";
  p.mnt = base_dir() + "/zfs";
  p.pool = "t" + std::to_string(::getpid()) + "pool";
  if (!sh("command -v zfs-fuse && command -v zpool").ok()) {
    p.why = "zfs-fuse is not installed (scripts/deps.sh installs it)";
    return;
  }
  p.daemon = ::fork();
  if (p.daemon == 0) {
    int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 1);
    ::dup2(null, 2);
    ::execlp("zfs-fuse", "zfs-fuse", "--no-daemon", nullptr);
    ::_exit(127);
  }
  Ran r;
  for (int i = 0; i < 100; ++i) {  // the daemon's socket appears after a moment
    r = sh("truncate -s 512M " + p.image + " && zpool create -o cachefile=none -m " + p.mnt + " " + p.pool + " " + p.image);
    if (r.ok()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  if (!r.ok()) {
    p.why = "zpool create: " + r.err;
    return;
  }
  p.ok = true;
}

void teardown() {
  if (zfs_pool.tried) {
    if (zfs_pool.ok) sh("zpool destroy -f " + zfs_pool.pool);
    if (zfs_pool.daemon > 0) {
      ::kill(zfs_pool.daemon, SIGTERM);
      int status;
      ::waitpid(zfs_pool.daemon, &status, 0);
    }
  }
  unmount_below(base_dir());
  if (!btrfs_pool.loopdev.empty()) sh("losetup -d " + btrfs_pool.loopdev);
  sh("rm -rf " + base_dir());
}

class Cleanup : public ::testing::Environment {
 public:
  void TearDown() override { teardown(); }
};
[[maybe_unused]] auto* cleanup = ::testing::AddGlobalTestEnvironment(new Cleanup);

}  // namespace

Ran run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
        const std::string& in_file, const std::string& out_file) {
  int out[2], err[2];
  if (::pipe(out) != 0 || ::pipe(err) != 0) return {};
  pid_t pid = ::fork();
  if (pid == 0) {
    for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
    if (!in_file.empty()) ::dup2(::open(in_file.c_str(), O_RDONLY), 0);
    else ::dup2(::open("/dev/null", O_RDONLY), 0);
    if (!out_file.empty()) ::dup2(::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644), 1);
    else ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::close(out[0]);
    ::close(err[0]);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  ::close(out[1]);
  ::close(err[1]);
  Ran r;
  // Read stderr after stdout: the outputs here are small enough for the pipe buffer.
  read_all(out[0], r.out);
  read_all(err[0], r.err);
  ::close(out[0]);
  ::close(err[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return r;
}

Ran sh(const std::string& command) { return run({"/bin/sh", "-c", command}); }

std::string jailctl_bin() { return JAILCTL_BIN; }

std::string read_text(const std::string& path) {
  std::ifstream f(path);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

bool exists(const std::string& path) { return ::access(path.c_str(), F_OK) == 0; }

std::string unique(const std::string& stem) {
  static int n = 0;
  return "t" + std::to_string(::getpid()) + "_" + stem + "_" + std::to_string(++n);
}

Ran Root::ctl(std::vector<std::string> args, const std::map<std::string, std::string>& env,
              const std::string& in_file, const std::string& out_file) const {
  std::vector<std::string> argv{jailctl_bin(), "--root", dir, "--backend", backend, "--etc", etc};
  if (!zfs_parent.empty()) argv.insert(argv.end(), {"--zfs-parent", zfs_parent});
  argv.insert(argv.end(), args.begin(), args.end());
  return run(argv, env, in_file, out_file);
}

std::string Root::names() const {
  Ran r = ctl({"dataset", "list", "-H", "-o", "name", "-t", "all"});
  EXPECT_TRUE(r.ok()) << r.err;
  if (backend != "zfs") return r.out;
  // ZFS: create -p makes the parents ("j" of "j/x") datasets too; the tests name
  // theirs two levels deep, so top-level names are those parents.
  std::string out;
  std::istringstream in(r.out);
  for (std::string line; std::getline(in, line);)
    if (line.find('/') != std::string::npos) out += line + "\n";
  return out;
}

bool backend_available(const std::string& backend, std::string* why) {
  Pool* p = backend == "btrfs" ? &btrfs_pool : backend == "zfs" ? &zfs_pool : nullptr;
  if (!p) return true;
  if (!p->tried) {
    p->tried = true;
    if (backend == "btrfs") setup_btrfs(*p);
    else setup_zfs(*p);
  }
  if (why) *why = p->why;
  return p->ok;
}

Root make_root(const std::string& backend) {
  Root r;
  r.backend = backend;
  std::string name = unique(backend);
  r.etc = base_dir() + "/etc/" + name;
  sh("mkdir -p " + r.etc);
  if (backend == "btrfs") {
    r.dir = btrfs_pool.mnt + "/" + name;
  } else if (backend == "zfs") {
    r.zfs_parent = zfs_pool.pool + "/" + name;
    Ran c = sh("zfs create " + r.zfs_parent);
    EXPECT_TRUE(c.ok()) << c.err;
    r.dir = base_dir() + "/zfsroots/" + name;
  } else {
    r.dir = base_dir() + "/" + name;
  }
  return r;
}

void unmount_below(const std::string& dir) {
  std::vector<std::string> mounts;
  std::istringstream in(read_text("/proc/self/mountinfo"));
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string a, b, c, d, mp;
    fields >> a >> b >> c >> d >> mp;
    if (mp == dir || mp.rfind(dir + "/", 0) == 0) mounts.push_back(mp);
  }
  std::sort(mounts.rbegin(), mounts.rend());
  for (const auto& m : mounts) sh("umount -l " + m);
}

}  // namespace jails::storage::test
