#include "kernel/process.h"

#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>

namespace jails::kernel {

Result<UniqueFd> pidfd_open(pid_t pid) {
  int fd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (fd < 0) return sys_fail("pidfd_open({})", pid);
  return UniqueFd(fd);
}

Result<std::optional<int>> wait_child(pid_t pid, int timeout_s) {
  if (timeout_s <= 0) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0)
      if (errno != EINTR) return sys_fail("waitpid({})", pid);
    return std::optional<int>(status);
  }
  auto fd = TRY(pidfd_open(pid));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::optional<int>();
    pollfd p{fd.get(), POLLIN, 0};
    int n = ::poll(&p, 1, static_cast<int>(left.count()));
    if (n < 0 && errno != EINTR) return sys_fail("poll(pidfd {})", pid);
    if (n > 0) break;
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) < 0) return sys_fail("waitpid({})", pid);
  return std::optional<int>(status);
}

Result<void> wait_exit(int pidfd, int timeout_ms) {
  pollfd p{pidfd, POLLIN, 0};
  for (;;) {
    int n = ::poll(&p, 1, timeout_ms);
    if (n > 0) return {};
    if (n == 0) return errno_fail(ETIMEDOUT, "waiting for pid 1 of the jail");
    if (errno != EINTR) return sys_fail("poll(pidfd)");
  }
}

Result<void> setns_all(int pidfd, int flags) {
  if (::setns(pidfd, flags) < 0) return sys_fail("setns(pidfd, {:#x})", flags);
  return {};
}

std::string describe_status(int status) {
  if (WIFSIGNALED(status)) return fmt::format("exited on signal {}", WTERMSIG(status));
  return fmt::format("exited {}", WEXITSTATUS(status));
}

}  // namespace jails::kernel
