// jail -r: FreeBSD's remove sequence (spec 2.2) as a constant step table, the mirror of
// create's. A failing step marks the jail failed but the rest of the cleanup goes on.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "jail/commands.h"
#include "jail/host_steps.h"
#include "jail/lifecycle.h"
#include "jail/spec_json.h"
#include "kernel/cgroup.h"
#include "rctl/rctl.h"

namespace jails::jail {

namespace {

using StepFn = Result<void> (*)(JailRun&);
struct Step {
  const char* name;
  StepFn fn;
  bool forced;  // also done by -R
};

CommandContext ctx(JailRun& run) { return CommandContext{run.spec, run.rec.jid, run.opt.verbose}; }

Result<void> exec_prestop(JailRun& run) { return run_host_commands(ctx(run), run.spec.exec_prestop); }
Result<void> exec_stop(JailRun& run) { return run_jail_commands(ctx(run), run.rec, run.spec.exec_stop); }
Result<void> exec_poststop(JailRun& run) { return run_host_commands(ctx(run), run.spec.exec_poststop); }
Result<void> exec_release(JailRun& run) { return run_host_commands(ctx(run), run.spec.exec_release); }

std::vector<pid_t> others(const JailRun& run) {
  auto pids = kernel::cgroup_pids(run.rec.cgroup);
  std::erase(pids, run.rec.init_pid);
  return pids;
}

// FreeBSD: SIGTERM every process of the jail, then wait up to stop.timeout seconds.
Result<void> stop_timeout(JailRun& run) {
  if (run.spec.stop_timeout <= 0) return {};
  auto pids = others(run);
  if (pids.empty()) return {};
  for (pid_t p : pids) ::kill(p, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(run.spec.stop_timeout);
  while (!others(run).empty() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return {};
}

Result<void> remove(JailRun& run) {
  run.rec.state = "dying";
  TRY(save(run));
  TRY(kill_init(run));
  TRY(kernel::cgroup_destroy(run.rec.cgroup));
  if (!run.opt.quiet) std::printf("%s: removed\n", run.spec.name.c_str());
  std::fflush(stdout);
  return {};
}

Result<void> unmount_all(JailRun& run) {
  auto r = unmount_fstab(run);
  auto l = unmount_list(run);
  return r ? l : r;
}

constexpr Step kRemoveSteps[] = {
    {"exec.prestop", exec_prestop, false},   {"exec.stop", exec_stop, false},
    {"stop.timeout", stop_timeout, false},   {"remove", remove, true},
    {"exec.poststop", exec_poststop, false}, {"mount", unmount_all, false},
    {"ip4.addr", remove_addresses, false},   {"exec.release", exec_release, false},
};

}  // namespace

Result<conf::JailSpec> record_spec(const Record& r) {
  if (!r.extra.contains("spec")) return fail("{}: record has no parameters", r.name);
  return spec_from_json(r.extra["spec"]);
}

Result<void> remove_jail(const Record& r, const conf::JailSpec& spec, const Options& opt, bool force) {
  auto lock = TRY(JailLock::acquire(r.name));
  auto fresh = TRY(find_record(r.name));
  if (!fresh || !init_alive(*fresh)) {
    if (fresh) TRY(undo_record(*fresh));
    lock.remove_file();
    return fail("\"{}\" not found", r.name);
  }
  JailRun run{spec, opt, *fresh, {}, true, {}, 0};
  // What was mounted is what the record says, not what jail.conf says now.
  if (auto m = fresh->extra.find("mounted"); m != fresh->extra.end())
    for (const auto& e : *m) run.mounted.push_back({e[0], e[1], e[2], e[3]});
  if (force) run.mounted.clear();
  std::optional<Error> first;
  for (const auto& step : kRemoveSteps) {
    if (force && !step.forced) continue;
    auto res = step.fn(run);
    if (!res && !first) first = std::move(res).error();
  }
  TRY(remove_record(r.name));
  rctl::forget_jail(r.name);
  lock.remove_file();
  if (first) return std::unexpected(*first);
  return {};
}

Result<void> modify_jail(const Record& r, const conf::JailSpec& old_spec, const conf::JailSpec& spec,
                         const Options& opt) {
  (void)r; (void)old_spec; (void)spec; (void)opt;
  return fail("jail -m is not supported yet");
}

Result<bool> reap_if_stale(const Record& r) {
  if (init_alive(r)) return false;
  auto lock = JailLock::try_acquire(r.name);
  if (!lock) return std::unexpected(lock.error());
  if (!*lock) return false;  // jail -c or jail -r at work on it
  auto fresh = TRY(find_record(r.name));
  if (!fresh || init_alive(*fresh)) return false;
  TRY(undo_record(*fresh));
  (*lock)->remove_file();
  return true;
}

Result<std::vector<Record>> live_records() {
  std::vector<Record> out;
  for (auto& r : TRY(list_records())) {
    if (init_alive(r)) {
      if (r.state != "creating" || true) out.push_back(std::move(r));
      continue;
    }
    (void)reap_if_stale(r);
  }
  return out;
}

Result<std::optional<Record>> find_live(const std::string& key) {
  auto r = TRY(find_record(key));
  if (!r) return r;
  if (init_alive(*r)) return r;
  (void)reap_if_stale(*r);
  return std::optional<Record>();
}

}  // namespace jails::jail
