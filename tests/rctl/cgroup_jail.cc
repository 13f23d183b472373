#include "cgroup_jail.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include <gtest/gtest.h>

#include "base/text.h"
#include "jail/record.h"
#include "kernel/cgroup.h"
#include "rctl/rctl.h"

namespace jails::rctl::test {

bool privileged_or_skip() {
  if (::geteuid() == 0) return true;
  const char* ci = std::getenv("CI");
  if (ci && std::string(ci) == "true") ADD_FAILURE() << "CI=true: privileged rctl tests need root";
  return false;
}

void use_private_state_dir() {
  static std::string dir;
  if (!dir.empty()) return;
  char tmpl[] = "/tmp/rctl-test-state.XXXXXX";
  dir = ::mkdtemp(tmpl);
  ::setenv("JAIL_STATE_DIR", dir.c_str(), 1);
  std::atexit([] { std::filesystem::remove_all(dir); });
}

CmdResult run(const std::string& command) {
  // Files, not a pipe: a jail's pid 1 started by the command may keep the command's
  // stdout open for as long as the jail lives.
  std::string base = "/tmp/rctl-run-" + std::to_string(::getpid());
  int st = std::system((command + " </dev/null >" + base + ".out 2>" + base + ".err").c_str());
  CmdResult r{WIFEXITED(st) ? WEXITSTATUS(st) : -1, read_file(base + ".out").value_or(""),
              read_file(base + ".err").value_or("")};
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

namespace {

pid_t fork_blocked(int& release_fd, const std::function<int()>& fn, bool new_ipc) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) < 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[1]);
    if (new_ipc && ::unshare(CLONE_NEWIPC) < 0) ::_exit(120);
    char c;
    if (::read(p[0], &c, 1) != 1) ::_exit(121);  // wait until the parent put us in the cgroup
    ::_exit(fn());
  }
  ::close(p[0]);
  release_fd = p[1];
  return pid;
}

void release(int fd) {
  (void)::write(fd, "x", 1);
  ::close(fd);
}

}  // namespace

CgroupJail::CgroupJail(const std::string& tag, bool new_ipc) {
  use_private_state_dir();
  name = "t" + std::to_string(::getpid()) + "_" + tag;
  rel = kernel::jail_cgroup(name);
  static int next_jid = 100;
  jid = ++next_jid;
  auto made = kernel::cgroup_create(rel);
  EXPECT_TRUE(made) << made.error().what();
  int fd = -1;
  init = fork_blocked(fd, []() -> int { for (;;) ::pause(); }, new_ipc);
  auto attached = kernel::cgroup_attach(init, rel, rel);
  EXPECT_TRUE(attached) << attached.error().what();
  release(fd);
  // The stand-in pid 1 must have unshared its IPC namespace before the record names it.
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  jail::Record r;
  r.jid = jid;
  r.name = name;
  r.path = "/";
  r.state = "active";
  r.init_pid = init;
  r.init_start = jail::process_start_time(init);
  r.cgroup = rel;
  auto written = jail::write_record(r);
  EXPECT_TRUE(written) << written.error().what();
  // As `jail -c` does once the cgroup and pid 1 exist (rctl.conf, accounting on v2).
  auto applied = apply_config_rules(name, jid);
  EXPECT_TRUE(applied) << applied.error().what();
}

CgroupJail::~CgroupJail() {
  auto gone = kernel::cgroup_destroy(rel);
  EXPECT_TRUE(gone) << gone.error().what();
  int status;
  ::waitpid(init, &status, 0);
  (void)jail::remove_record(name);
  forget_jail(name);
  ::unlink((jail::state_dir() + "/" + name + ".lock").c_str());
}

pid_t CgroupJail::spawn(const std::function<int()>& fn) {
  int fd = -1;
  pid_t pid = fork_blocked(fd, fn, false);
  auto attached = kernel::cgroup_attach(pid, rel, rel + "/procs");
  EXPECT_TRUE(attached) << attached.error().what();
  release(fd);
  return pid;
}

int CgroupJail::wait(pid_t pid, double timeout_s) {
  auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  int status = 0;
  while (std::chrono::steady_clock::now() < end) {
    if (::waitpid(pid, &status, WNOHANG) == pid) return status;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &status, 0);
  return -1;
}

std::string CgroupJail::file(const std::string& controller, const std::string& f) const {
  const kernel::Hierarchy* h = kernel::cgroup_layout().find(controller);
  if (!h) return "";
  return kernel::cgroup_file(*h, rel, f);
}

}  // namespace jails::rctl::test
