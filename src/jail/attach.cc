#include "jail/attach.h"

#include <grp.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "jail/confinement.h"
#include "jail/passwd.h"
#include "kernel/cgroup.h"
#include "kernel/process.h"

namespace jails::jail {

namespace {

// Everything computed before joining: after setns the host's files are out of sight.
struct Prepared {
  UniqueFd pidfd;
  int ns_flags = 0;
  Confinement confinement;
  std::optional<User> host_user;
};

Result<Prepared> prepare(const Record& r, const conf::JailSpec& spec, const AttachRequest& req) {
  Prepared p;
  p.pidfd = TRY(kernel::pidfd_open(r.init_pid));
  // The pidfd now pins the process; if its start time still matches, it is the jail's.
  if (!init_alive(r)) return errno_fail(ESRCH, fmt::format("jail \"{}\" has ended", r.name));
  p.ns_flags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWCGROUP;
  if (spec.vnet == conf::NsMode::New) p.ns_flags |= CLONE_NEWNET;
  p.confinement = TRY(plan_confinement_for(spec, r.name));
  if (!req.user.empty() && req.user_from_host) {
    p.host_user = find_host_user(req.user);
    if (!p.host_user) return fail("getpwnam {}: no such user", req.user);
  }
  return p;
}

[[noreturn]] void child_fail(const AttachRequest& req, const std::string& what, int err) {
  if (!req.quiet_errors) std::fprintf(stderr, "jexec: %s: %s\n", what.c_str(), std::strerror(err));
  std::_Exit(err == ENOENT ? 127 : 126);
}

void set_env(const AttachRequest& req, const User& u, bool switching) {
  if (req.clean_env) {
    const char* term = std::getenv("TERM");
    std::string keep_term = term ? term : "";
    ::clearenv();
    if (!keep_term.empty()) ::setenv("TERM", keep_term.c_str(), 1);
    ::setenv("PATH", "/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin", 1);
  }
  if (req.clean_env || switching) {
    ::setenv("USER", u.name.c_str(), 1);
    ::setenv("LOGNAME", u.name.c_str(), 1);
    ::setenv("HOME", u.home.empty() ? "/" : u.home.c_str(), 1);
    ::setenv("SHELL", u.shell.empty() ? "/bin/sh" : u.shell.c_str(), 1);
  }
  for (const auto& [k, v] : req.env) ::setenv(k.c_str(), v.c_str(), 1);
}

// The program's process, inside the jail's pid namespace.
[[noreturn]] void exec_child(const Prepared& p, const AttachRequest& req) {
  ::signal(SIGPIPE, SIG_DFL);
  std::optional<User> user = p.host_user;
  if (!req.user.empty() && !user) {
    user = find_user_in_files("/", req.user);
    if (!user) {
      if (!req.quiet_errors) std::fprintf(stderr, "jexec: getpwnam %s: no such user\n", req.user.c_str());
      std::_Exit(1);
    }
  }
  User target = user ? *user : current_user();
  if (!user) {
    // The invoking user's name and shell, as the jail knows that uid.
    if (auto in_jail = find_user_in_files("/", std::to_string(target.uid))) target = *in_jail;
  }
  set_env(req, target, user.has_value());
  std::string dir = !req.dir.empty() ? req.dir : req.clean_env ? (target.home.empty() ? "/" : target.home) : "/";
  if (::chdir(dir.c_str()) < 0) child_fail(req, "chdir " + dir, errno);
  if (req.output_fd >= 0) {
    ::dup2(req.output_fd, 1);
    ::dup2(req.output_fd, 2);
  }
  const char* step = nullptr;
  if (int err = apply_confinement(p.confinement, &step)) child_fail(req, step ? step : "confinement", err);
  if (user) {
    if (::setgroups(user->groups.size(), user->groups.data()) < 0) child_fail(req, "setgroups", errno);
    if (::setgid(user->gid) < 0) child_fail(req, "setgid", errno);
    if (::setuid(user->uid) < 0) child_fail(req, "setuid", errno);
  }
  std::vector<std::string> args = req.argv;
  if (args.empty()) args = {target.shell.empty() ? "/bin/sh" : target.shell};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  child_fail(req, "execvp: " + args[0], errno);
}

// Joins cgroups and namespaces in the calling process; forks the program; waits.
Result<int> join_and_run(const Record& r, const Prepared& p, const AttachRequest& req) {
  TRY(kernel::cgroup_attach(::getpid(), r.cgroup, r.cgroup + "/procs"));
  TRY(kernel::setns_all(p.pidfd.get(), p.ns_flags));
  pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork");
  if (pid == 0) exec_child(p, req);
  // Like a shell, let the program take ^C; we only wait for it.
  ::signal(SIGINT, SIG_IGN);
  ::signal(SIGQUIT, SIG_IGN);
  auto st = TRY(kernel::wait_child(pid, 0));
  return *st;
}

int exit_code(int status) {
  return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
}

}  // namespace

Result<pid_t> spawn_in_jail(const Record& r, const conf::JailSpec& spec, const AttachRequest& req) {
  auto p = TRY(prepare(r, spec, req));
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) return sys_fail("fork");
  if (pid == 0) {
    auto st = join_and_run(r, p, req);
    if (!st) {
      if (!req.quiet_errors) std::fprintf(stderr, "jail: %s: %s\n", r.name.c_str(), st.error().what().c_str());
      std::_Exit(126);
    }
    std::_Exit(exit_code(*st));
  }
  return pid;
}

Result<int> run_in_jail_here(const Record& r, const conf::JailSpec& spec, const AttachRequest& req) {
  auto p = TRY(prepare(r, spec, req));
  return join_and_run(r, p, req);
}

}  // namespace jails::jail
