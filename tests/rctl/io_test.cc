// IO throttles hold on a loop device (a fixture made with losetup by the test).
#include <fcntl.h>
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

class LoopDevice {
 public:
  LoopDevice() {
    file_ = "/tmp/rctl-io-" + std::to_string(::getpid()) + ".img";
    std::string cmd = "truncate -s 16M " + file_ + " && losetup -f --show " + file_;
    if (FILE* p = ::popen(cmd.c_str(), "r")) {
      char buf[64] = {};
      if (std::fgets(buf, sizeof buf, p)) dev_ = std::string(trim(buf));
      ::pclose(p);
    }
  }
  ~LoopDevice() {
    if (!dev_.empty()) (void)std::system(("losetup -d " + dev_).c_str());
    ::unlink(file_.c_str());
  }
  const std::string& dev() const { return dev_; }

 private:
  std::string file_, dev_;
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
  ASSERT_FALSE(loop.dev().empty()) << "losetup failed";
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
