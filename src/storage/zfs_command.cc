#include "storage/zfs_command.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "base/text.h"
#include "base/unique_fd.h"

namespace jails::storage {
namespace {

// Reads both pipes to their end without either one filling up and blocking zfs.
void drain(int out_fd, int err_fd, std::string& out, std::string& err) {
  struct pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_fd, POLLIN, 0}};
  int open_fds = 2;
  char buf[4096];
  while (open_fds > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n > 0) {
        (i == 0 ? out : err).append(buf, n);
      } else if (n == 0 || errno != EINTR) {
        fds[i].fd = -1;
        --open_fds;
      }
    }
  }
}

}  // namespace

Result<std::string> run_zfs(const std::vector<std::string>& args) {
  const char* bin = std::getenv("JAILCTL_ZFS");
  std::string zfs = bin && *bin ? bin : "zfs";
  std::string shown = "zfs " + join(args, " ");
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0) return sys_fail("pipe2");
  if (::pipe2(err, O_CLOEXEC) != 0) {
    ::close(out[0]);
    ::close(out[1]);
    return sys_fail("pipe2");
  }
  UniqueFd out_r(out[0]), out_w(out[1]), err_r(err[0]), err_w(err[1]);
  std::vector<char*> argv{const_cast<char*>(zfs.c_str())};
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork for {}", shown);
  if (pid == 0) {
    ::dup2(out_w.get(), 1);
    ::dup2(err_w.get(), 2);
    ::execvp(argv[0], argv.data());
    ::_exit(127);
  }
  out_w.reset();
  err_w.reset();
  std::string stdout_text, stderr_text;
  drain(out_r.get(), err_r.get(), stdout_text, stderr_text);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && stderr_text.empty())
    return fail("{}: cannot run {} (not installed? set JAILCTL_ZFS)", shown, zfs);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string words(trim(stderr_text));
    if (words.empty()) words = fmt::format("exit status {}", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    return fail("{}: {}", shown, words);
  }
  return stdout_text;
}

}  // namespace jails::storage
