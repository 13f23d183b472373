#include "rctl/resource.h"

#include <sys/resource.h>

#include <algorithm>
#include <array>
#include <vector>

namespace jails::rctl {

namespace {

// FreeBSD: sys/kern/kern_racct.c racct_types[] gives deniable/decaying; the order is
// RACCT_CPU .. RACCT_WRITEIOPS.
const std::array<ResourceInfo, 25> kResources = {{
    {"cputime", Mech::rlimit, false, false, RLIMIT_CPU, "RLIMIT_CPU of each process", ""},
    {"datasize", Mech::rlimit, true, false, RLIMIT_DATA, "RLIMIT_DATA of each process", ""},
    {"stacksize", Mech::rlimit, true, false, RLIMIT_STACK, "RLIMIT_STACK of each process", ""},
    {"coredumpsize", Mech::rlimit, true, false, RLIMIT_CORE, "RLIMIT_CORE of each process", ""},
    {"memoryuse", Mech::memory, true, false, -1, "memory cgroup limit", ""},
    {"memorylocked", Mech::rlimit, true, false, RLIMIT_MEMLOCK, "RLIMIT_MEMLOCK of each process", ""},
    {"maxproc", Mech::pids, true, false, -1, "pids.max (Linux counts threads)", ""},
    {"openfiles", Mech::rlimit, true, false, RLIMIT_NOFILE, "RLIMIT_NOFILE of each process", ""},
    {"vmemoryuse", Mech::rlimit, true, false, RLIMIT_AS, "RLIMIT_AS of each process", ""},
    {"pseudoterminals", Mech::none, true, false, -1, "",
     "Linux counts pseudo-terminals per devpts instance (mount option max=), not per rule"},
    {"swapuse", Mech::swap, true, false, -1, "memory cgroup swap limit", ""},
    {"nthr", Mech::pids, true, false, -1, "pids.max", ""},
    {"msgqqueued", Mech::none, true, false, -1, "",
     "Linux has no limit on the number of queued SysV messages, only bytes per queue (kernel.msgmnb)"},
    {"msgqsize", Mech::none, true, false, -1, "",
     "Linux limits the bytes of each SysV queue (kernel.msgmnb), not their total"},
    {"nmsgq", Mech::ipc, true, false, -1, "kernel.msgmni of the jail's IPC namespace", ""},
    {"nsem", Mech::ipc, true, false, -1, "kernel.sem SEMMNS of the jail's IPC namespace", ""},
    {"nsemop", Mech::ipc, true, false, -1, "kernel.sem SEMOPM of the jail's IPC namespace", ""},
    {"nshm", Mech::ipc, true, false, -1, "kernel.shmmni of the jail's IPC namespace", ""},
    {"shmsize", Mech::ipc, true, false, -1, "kernel.shmall of the jail's IPC namespace", ""},
    {"wallclock", Mech::none, false, false, -1, "",
     "acting on wall-clock time needs a watcher process, and this tool runs no daemon"},
    {"pcpu", Mech::cpu, true, false, -1, "CPU bandwidth quota (100 = one CPU)", ""},
    {"readbps", Mech::io, false, true, -1, "block IO throttle, read bytes/s", ""},
    {"writebps", Mech::io, false, true, -1, "block IO throttle, write bytes/s", ""},
    {"readiops", Mech::io, false, true, -1, "block IO throttle, read operations/s", ""},
    {"writeiops", Mech::io, false, true, -1, "block IO throttle, write operations/s", ""},
}};

// FreeBSD: sys/kern/kern_rctl.c actionnames[] (signal actions are "sig" + name).
bool known_action(std::string_view a) {
  static const std::array<std::string_view, 35> names = {
      "sighup",  "sigint",  "sigquit", "sigill",  "sigtrap", "sigabrt", "sigemt",    "sigfpe",
      "sigkill", "sigbus",  "sigsegv", "sigsys",  "sigpipe", "sigalrm", "sigterm",   "sigurg",
      "sigstop", "sigtstp", "sigchld", "sigttin", "sigttou", "sigio",   "sigxcpu",   "sigxfsz",
      "sigvtalrm", "sigprof", "sigwinch", "siginfo", "sigusr1", "sigusr2", "sigthr", "deny",
      "log",     "devctl",  "throttle"};
  for (auto n : names)
    if (n == a) return true;
  return false;
}

size_t distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] != b[j - 1])});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string suggestion(std::string_view name) {
  std::string_view best;
  size_t best_d = 4;  // up to three edits: "memuse" -> "memoryuse"
  for (const auto& r : kResources)
    if (size_t d = distance(name, r.name); d < best_d) best_d = d, best = r.name;
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

Result<void> check_action(const Rule& r, const ResourceInfo& info) {
  const std::string& a = r.action;
  if (!known_action(a)) return fail("unknown action '{}'", a);
  if (a == "log" || a == "devctl")
    return fail("action '{}' needs a watcher process to notice the limit being reached; this "
                "daemonless tool has none (use deny)", a);
  if (a.starts_with("sig")) {
    // Linux: RLIMIT_CPU is the kernel's own cputime watcher: SIGXCPU at the soft limit,
    // SIGKILL at the hard one. No other signal action has a kernel mechanism.
    if (info.name == "cputime" && (a == "sigxcpu" || a == "sigkill")) return {};
    return fail("action '{}' for {} needs a watcher process, and this tool runs no daemon "
                "(only cputime:sigxcpu and cputime:sigkill are enforced, by RLIMIT_CPU)", a, info.name);
  }
  // FreeBSD: kern_rctl.c rctl_rule_add refuses deny on undeniable and throttle on
  // non-decaying resources (EOPNOTSUPP).
  if (a == "deny" && !info.deniable)
    return fail("action 'deny' is not supported for resource '{}'{}", info.name,
                info.decaying ? " (use throttle)" : info.name == "cputime" ? " (use sigxcpu or sigkill)" : "");
  if (a == "throttle" && !info.decaying)
    return fail("action 'throttle' is only supported for readbps, writebps, readiops and writeiops");
  return {};
}

Result<void> check_per(const Rule& r, const ResourceInfo& info) {
  std::string per = r.effective_per();
  if (per == "jail") return {};
  if (per != "process") return fail("per '{}' is not supported: a jail rule counts per jail or per process", per);
  if (info.mech == Mech::rlimit) return {};
  return fail("per-process {} is not available: Linux's {} counts the whole jail", info.name, info.linux);
}

}  // namespace

std::span<const ResourceInfo> resources() { return kResources; }

const ResourceInfo* find_resource(std::string_view name) {
  for (const auto& r : kResources)
    if (r.name == name) return &r;
  return nullptr;
}

Result<void> check_rule(const Rule& r) {
  if (r.subject != "jail")
    return fail("subject '{}' is not supported: rules here limit jails (jail:NAME or jail:JID)", r.subject);
  const ResourceInfo* info = find_resource(r.resource);
  if (!info) return fail("unknown resource '{}'{}", r.resource, suggestion(r.resource));
  if (info->mech == Mech::none) return fail("resource '{}' is not supported on Linux: {}", r.resource, info->why);
  TRY(check_action(r, *info));
  TRY(check_per(r, *info));
  if ((info->mech == Mech::cpu || info->mech == Mech::io) && r.amount && *r.amount < 1)
    return fail("{} must be at least 1 (0 would stop the jail entirely)", r.resource);
  return {};
}

}  // namespace jails::rctl
