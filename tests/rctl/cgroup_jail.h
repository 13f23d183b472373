// A jail as rctl sees it, made by the test itself: a real cgroup jail/<name> in every
// hierarchy (kernel::cgroup_create, as `jail -c` makes it), a real pid 1 stand-in in
// it (optionally in its own IPC namespace), a real state record in a private state
// dir, and real processes spawned into it. Used where the test is about rctl's kernel
// side, so it runs without the lifecycle; jail_e2e_test.cc uses real jails.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

namespace jails::rctl::test {

// True when privileged tests may run; under CI=true a non-root run fails instead.
bool privileged_or_skip();

// Points JAIL_STATE_DIR at a fresh temporary directory for this test binary.
void use_private_state_dir();

// Runs a shell command; its exit status, stdout and stderr.
struct CmdResult {
  int status;
  std::string out, err;
};
CmdResult run(const std::string& command);

class CgroupJail {
 public:
  explicit CgroupJail(const std::string& tag, bool new_ipc = false);
  ~CgroupJail();
  CgroupJail(const CgroupJail&) = delete;

  // Forks a child into the jail's cgroup that runs fn and exits with its value.
  pid_t spawn(const std::function<int()>& fn);
  // Waits for a child; returns its wait status, or -1 after timeout_s (child killed).
  int wait(pid_t pid, double timeout_s);
  // A cgroup control file of this jail: file("memory", "memory.limit_in_bytes").
  std::string file(const std::string& controller, const std::string& name) const;

  std::string name;
  std::string rel;
  pid_t init = -1;
  int jid = 0;
};

}  // namespace jails::rctl::test
