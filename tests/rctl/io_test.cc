// IO throttles hold on a loop device the test makes.
#include <fcntl.h>
#include <linux/loop.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <gtest/gtest.h>

#include "base/text.h"
#include "cgroup_jail.h"
#include "rctl/rctl.h"

namespace jails::rctl::test {
namespace {

using Clock = std::chrono::steady_clock;

// A loop device over a 16 MiB file, made through /dev/loop-control (util-linux's
// `losetup --show` is not in busybox, which the qemu lane has).
class LoopDevice {
 public:
  LoopDevice() {
    file_ = "/tmp/rctl-io-" + std::to_string(::getpid()) + ".img";
    int backing = ::open(file_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    int control = ::open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (backing >= 0 && ::ftruncate(backing, 16 << 20) == 0 && control >= 0) {
      for (int attempt = 0; attempt < 10 && dev_.empty(); ++attempt) {
        int n = ::ioctl(control, LOOP_CTL_GET_FREE);
        if (n < 0) break;
        std::string dev = "/dev/loop" + std::to_string(n);
        int fd = ::open(dev.c_str(), O_RDWR | O_CLOEXEC);
        if (fd < 0) continue;
        if (::ioctl(fd, LOOP_SET_FD, backing) == 0) dev_ = dev, fd_ = fd;  // else taken meanwhile: retry
        else ::close(fd);
      }
    }
    if (control >= 0) ::close(control);
    if (backing >= 0) ::close(backing);
  }
  ~LoopDevice() {
    if (fd_ >= 0) {
      ::ioctl(fd_, LOOP_CLR_FD, 0);
      ::close(fd_);
    }
    ::unlink(file_.c_str());
  }
  const std::string& dev() const { return dev_; }

 private:
  std::string file_, dev_;
  int fd_ = -1;
};

// Reads or writes `mb` MiB with O_DIRECT (the page cache would hide the device);
// returns 0 on success.
int direct_io(const std::string& dev, bool write, int mb) {
  int fd = ::open(dev.c_str(), (write ? O_WRONLY : O_RDONLY) | O_DIRECT);
  if (fd < 0) return 2;
  void* buf = nullptr;
  if (::posix_memalign(&buf, 4096, 256 << 10) != 0) return 3;
  std::memset(buf, 7, 256 << 10);
  for (int i = 0; i < mb * 4; ++i) {
    ssize_t n = write ? ::pwrite(fd, buf, 256 << 10, static_cast<off_t>(i) << 18)
                      : ::pread(fd, buf, 256 << 10, static_cast<off_t>(i) << 18);
    if (n != 256 << 10) return 4;
  }
  ::close(fd);
  return 0;
}

double timed_io(CgroupJail& j, const std::string& dev, bool write, int mb) {
  auto t0 = Clock::now();
  pid_t p = j.spawn([&] { return direct_io(dev, write, mb); });
  int status = j.wait(p, 30);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

TEST(RctlIo, ReadAndWriteThrottlesHoldOnALoopDevice) {
  if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  LoopDevice loop;
  ASSERT_FALSE(loop.dev().empty()) << "no loop device (LOOP_CTL_GET_FREE / LOOP_SET_FD failed)";
  CgroupJail j("io");
  double free_read = timed_io(j, loop.dev(), false, 4);
  EXPECT_LT(free_read, 1.0);
  ASSERT_TRUE(add_rule("jail:" + j.name + ":readbps:throttle=2m"));
  ASSERT_TRUE(add_rule("jail:" + j.name + ":writebps:throttle=2m"));
  // 4 MiB at 2 MiB/s: about 2 s (the throttle lets a first slice through at once).
  double read = timed_io(j, loop.dev(), false, 4);
  double write = timed_io(j, loop.dev(), true, 4);
  EXPECT_GT(read, 1.3) << read;
  EXPECT_LT(read, 4.0) << read;
  EXPECT_GT(write, 1.3) << write;
  EXPECT_LT(write, 4.0) << write;
  ASSERT_TRUE(remove_rules("jail:" + j.name));
  EXPECT_LT(timed_io(j, loop.dev(), false, 4), 1.0);
}

}  // namespace
}  // namespace jails::rctl::test
