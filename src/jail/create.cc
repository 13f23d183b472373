// jail -c: FreeBSD's create sequence (spec 2.1) as a constant step table. A failed step
// walks the table backwards through the steps already done, undoing each, and the jail
// is left as if jail -c had never run.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "base/text.h"
#include "jail/commands.h"
#include "jail/host_steps.h"
#include "jail/jid.h"
#include "jail/lifecycle.h"
#include "jail/spec_json.h"
#include "jail/start_init.h"
#include "kernel/cgroup.h"

namespace jails::jail {

namespace {

using StepFn = Result<void> (*)(JailRun&);

struct Step {
  const char* name;  // the parameter it runs, FreeBSD's word
  StepFn up;
  StepFn down;  // null: nothing to undo (FreeBSD does not re-run start commands)
};

Result<void> host_cmds(JailRun& run, const std::vector<std::string>& cmds) {
  return run_host_commands(CommandContext{run.spec, run.rec.jid, run.opt.verbose}, cmds);
}

Result<void> exec_prepare(JailRun& run) { return host_cmds(run, run.spec.exec_prepare); }
Result<void> exec_prestart(JailRun& run) { return host_cmds(run, run.spec.exec_prestart); }
Result<void> exec_created(JailRun& run) { return host_cmds(run, run.spec.exec_created); }
Result<void> exec_poststart(JailRun& run) { return host_cmds(run, run.spec.exec_poststart); }

Result<void> exec_start(JailRun& run) {
  return run_jail_commands(CommandContext{run.spec, run.rec.jid, run.opt.verbose}, run.rec, run.spec.exec_start);
}
Result<void> command(JailRun& run) {
  return run_jail_commands(CommandContext{run.spec, run.rec.jid, run.opt.verbose}, run.rec, run.spec.command,
                           run.spec.command_is_argv);
}

Result<void> create(JailRun& run) {
  TRY(kernel::cgroup_create(run.rec.cgroup));
  run.cgroup_made = true;
  TRY(save(run));
  auto in_cgroup = [&](pid_t) -> Result<void> { return run_hooks_in_cgroup(run); };
  auto init = TRY(start_init(run.spec, run.rec.cgroup, in_cgroup));
  run.rec.init_pid = init.pid;
  run.rec.init_start = init.start_time;
  run.init_pidfd = std::move(init.pidfd);
  TRY(save(run));
  if (run.opt.print_jid)
    std::printf("%d\n", run.rec.jid);
  else if (!run.opt.quiet)
    std::printf("%s: created\n", run.spec.name.c_str());
  std::fflush(stdout);
  return {};
}

Result<void> uncreate(JailRun& run) {
  if (run.rec.init_pid > 0) TRY(kill_init(run));
  if (run.cgroup_made) TRY(kernel::cgroup_destroy(run.rec.cgroup));
  run.cgroup_made = false;
  return save(run);
}

constexpr Step kCreateSteps[] = {
    {"exec.prepare", exec_prepare, nullptr},
    {"ip4.addr", add_addresses, remove_addresses},
    {"mount", mount_list, unmount_list},
    {"mount.fstab", mount_fstab, unmount_fstab},
    {"exec.prestart", exec_prestart, nullptr},
    {"create", create, uncreate},
    {"exec.created", exec_created, nullptr},
    {"vnet.interface", vnet_interfaces, nullptr},
    {"exec.start", exec_start, nullptr},
    {"command", command, nullptr},
    {"exec.poststart", exec_poststart, nullptr},
};

Result<void> check_path(const conf::JailSpec& spec) {
  if (spec.path.empty() || spec.path[0] != '/') return fail("path {}: not an absolute pathname", spec.path);
  struct stat st;
  if (::stat(spec.path.c_str(), &st) < 0) return sys_fail("path {}", spec.path);
  if (!S_ISDIR(st.st_mode)) return fail("path {}: Not a directory", spec.path);
  return {};
}

Result<void> check_name(const std::string& name) {
  if (name.empty()) return fail("jail name is empty");
  if (name.find('/') != std::string::npos || name == "." || name == ".." || name[0] == '.')
    return fail("invalid jail name \"{}\"", name);
  for (char c : name)
    if (static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return fail("invalid jail name \"{}\"", name);
  if (name.find('.') != std::string::npos)
    return fail("{}: hierarchical jails (a name with '.') are not supported yet", name);
  return {};
}

Result<void> run_steps(JailRun& run) {
  size_t done = 0;
  for (; done < std::size(kCreateSteps); ++done) {
    auto r = kCreateSteps[done].up(run);
    if (r) continue;
    Error e = std::move(r).error();
    // Walk back through the steps already done, undoing each.
    for (size_t i = done + 1; i-- > 0;) {
      if (!kCreateSteps[i].down) continue;
      if (auto u = kCreateSteps[i].down(run); !u)
        std::fprintf(stderr, "jail: %s: undo %s: %s\n", run.spec.name.c_str(), kCreateSteps[i].name,
                     u.error().what().c_str());
    }
    return std::unexpected(std::move(e));
  }
  return {};
}

}  // namespace

Result<void> create_jail(const conf::JailSpec& given, const Options& opt) {
  conf::JailSpec spec = given;
  // FreeBSD: a jail without a name is named by its jid.
  if (spec.name.empty()) spec.jid = TRY(allocate_jid(spec.jid)), spec.name = std::to_string(spec.jid);
  TRY(check_name(spec.name));
  TRY(check_path(spec));
  auto lock = TRY(JailLock::acquire(spec.name));
  if (auto old = TRY(find_record(spec.name))) {
    TRY(reap_if_stale_locked(*old));
    if (TRY(find_record(spec.name))) return fail("already exists");
  }
  JailRun run{spec, opt, {}, {}, false, {}, 0};
  run.rec.jid = TRY(allocate_jid(spec.jid));
  run.rec.name = spec.name;
  run.rec.path = spec.path;
  run.rec.state = "creating";
  run.rec.cgroup = kernel::jail_cgroup(spec.name);
  run.rec.conf = opt.conf_file;
  for (const auto& p : spec.params) run.rec.params.emplace_back(p.name, p.values);
  run.rec.extra["spec"] = spec_to_json(spec);
  TRY(save(run));
  if (auto r = run_steps(run); !r) {
    (void)remove_record(spec.name);
    lock.remove_file();
    return r;
  }
  run.rec.state = "active";
  TRY(save(run));
  // FreeBSD: persist was forced on while creating; a jail without it now ends with its
  // last process.
  if (!spec.persist) ::kill(run.rec.init_pid, SIGUSR1);
  if (opt.jid_file) write_jid_file_line(opt.jid_file, run.rec);
  return {};
}

}  // namespace jails::jail
