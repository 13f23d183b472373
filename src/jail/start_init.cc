#include "jail/start_init.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>

#include "jail/child.h"
#include "jail/confinement.h"
#include <cstdio>
#include "jail/record.h"
#include "kernel/cgroup.h"
#include "kernel/mount.h"
#include "kernel/process.h"

#ifndef JAILS_LIBEXECDIR
#define JAILS_LIBEXECDIR "/usr/local/libexec"
#endif

namespace jails::jail {

std::string init_program() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n > 0) {
    std::string self(buf, static_cast<size_t>(n));
    std::string beside = self.substr(0, self.rfind('/')) + "/jail-init";
    if (::access(beside.c_str(), X_OK) == 0) return beside;
  }
  return JAILS_LIBEXECDIR "/jails/jail-init";
}

namespace {

// A directory of the jail for a mount, resolved inside its root; "" if it does not exist
// (FreeBSD mounts procfs only where the jail has the directory too).
Result<std::string> jail_dir(const conf::JailSpec& spec, const char* rel) {
  auto p = kernel::resolve_in_root(spec.path, rel);
  if (!p) {
    if (p.error().err == ENOENT) return std::string();
    return std::unexpected(std::move(p).error());
  }
  return *p;
}

Result<ChildPlan> make_plan(const conf::JailSpec& spec, const std::string& cgroup) {
  ChildPlan p;
  p.root = spec.path;
  p.pivot = spec.path != "/";
  p.new_uts = spec.host == conf::NsMode::New;
  p.hostname = spec.hostname;
  p.domainname = spec.domainname;
  // Linux: a jail at "/" still gets its own /proc, or it would list the host's processes.
  if (spec.mount_procfs || spec.path == "/") {
    p.proc_dir = TRY(jail_dir(spec, "/proc"));
    if (p.proc_dir.empty()) return fail("mount.procfs: {}/proc: No such directory", spec.path);
    if (spec.mount_procfs && spec.path != "/") p.sys_dir = TRY(jail_dir(spec, "/sys"));
  }
  if (spec.mount_devfs) {
    p.dev_dir = TRY(jail_dir(spec, "/dev"));
    if (p.dev_dir.empty()) return fail("mount.devfs: {}/dev: No such directory", spec.path);
    p.fdescfs = spec.mount_fdescfs;
  }
  if (const auto* v2 = kernel::cgroup_layout().v2()) {
    std::string events = v2->root + "/" + cgroup + "/procs/cgroup.events";
    p.events_fd = ::open(events.c_str(), O_RDONLY);  // inherited by jail-init on purpose
    if (p.events_fd < 0) return sys_fail("open({})", events);
  }
  p.null_fd = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (p.null_fd < 0) return sys_fail("open(/dev/null)");
  std::string init = init_program();
  p.init_fd = ::open(init.c_str(), O_PATH | O_CLOEXEC);
  if (p.init_fd < 0) return sys_fail("open({})", init);
  // FreeBSD: the jail is persistent while it is being created (spec 2.4).
  p.init_args = {"jail-init", std::to_string(p.events_fd), "1"};
  return p;
}

void close_plan_fds(ChildPlan& p) {
  for (int fd : {p.events_fd, p.init_fd, p.null_fd, p.sync_fd, p.error_fd})
    if (fd >= 0) ::close(fd);
}

int clone_flags(const conf::JailSpec& spec) {
  int f = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS;
  bool all_inherit = spec.sysvmsg == conf::NsMode::Inherit && spec.sysvsem == conf::NsMode::Inherit &&
                     spec.sysvshm == conf::NsMode::Inherit;
  if (!all_inherit) f |= CLONE_NEWIPC;
  if (spec.vnet == conf::NsMode::New) f |= CLONE_NEWNET;
  return f;
}

}  // namespace

Result<InitProcess> start_init(const conf::JailSpec& spec, const std::string& cgroup,
                               const std::function<Result<void>(pid_t)>& in_cgroup) {
  ChildPlan plan = TRY(make_plan(spec, cgroup));
  auto cplan = TRY(kernel::plan_confinement(confine_options(spec)));
  for (const auto& w : cplan.warnings) std::fprintf(stderr, "jail: %s: %s\n", spec.name.c_str(), w.c_str());
  plan.confine = &cplan;
  int sync[2], err[2];
  if (::pipe2(sync, O_CLOEXEC) < 0 || ::pipe2(err, O_CLOEXEC) < 0) {
    close_plan_fds(plan);
    return sys_fail("pipe2");
  }
  plan.sync_fd = sync[0];
  plan.error_fd = err[1];
  plan.seal();
  std::fflush(nullptr);
  long pid = ::syscall(SYS_clone, clone_flags(spec) | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid == 0) {
    ::close(sync[1]);
    ::close(err[0]);
    child_main(&plan);
    ::_exit(127);
  }
  int saved = errno;
  ::close(sync[0]);
  ::close(err[1]);
  plan.sync_fd = plan.error_fd = -1;
  UniqueFd sync_w(sync[1]), err_r(err[0]);
  close_plan_fds(plan);
  if (pid < 0) return errno_fail(saved, fmt::format("clone({:#x})", clone_flags(spec)));

  InitProcess init;
  init.pid = static_cast<pid_t>(pid);
  auto abandon = [&](Error e) -> Result<InitProcess> {
    ::kill(init.pid, SIGKILL);
    ::waitpid(init.pid, nullptr, 0);
    return std::unexpected(std::move(e));
  };
  auto pidfd = kernel::pidfd_open(init.pid);
  if (!pidfd) return abandon(pidfd.error());
  init.pidfd = std::move(*pidfd);
  if (auto r = kernel::cgroup_attach(init.pid, cgroup, cgroup); !r) return abandon(r.error());
  if (auto r = kernel::apply_device_cgroup(cgroup, cplan.devfs); !r) return abandon(r.error());
  if (auto r = in_cgroup(init.pid); !r) return abandon(r.error());
  init.start_time = process_start_time(init.pid);
  if (::write(sync_w.get(), "g", 1) != 1) return abandon(Error{"write(sync pipe)", errno});
  sync_w.reset();
  ChildFailure f{};
  ssize_t n = ::read(err_r.get(), &f, sizeof f);
  if (n == static_cast<ssize_t>(sizeof f)) {
    f.step[sizeof f.step - 1] = 0;
    ::waitpid(init.pid, nullptr, 0);
    return errno_fail(f.err, f.step);
  }
  // EOF: the exec of jail-init succeeded (the pipe was close-on-exec).
  return init;
}

}  // namespace jails::jail
