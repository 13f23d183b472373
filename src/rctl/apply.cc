#include "rctl/apply.h"

#include <algorithm>

#include "kernel/cgroup.h"
#include "rctl/cgroup_limits.h"
#include "rctl/ipc.h"
#include "rctl/limits.h"
#include "rctl/process_limits.h"

namespace jails::rctl {

namespace {

std::string rel_of(const jail::Record& rec) {
  return rec.cgroup.empty() ? kernel::jail_cgroup(rec.name) : rec.cgroup;
}

bool init_running(const jail::Record& rec) { return rec.init_pid > 0 && jail::init_alive(rec); }

Result<void> check(const jail::Record& rec, const Limits& l) {
  TRY(check_cgroup_limits(rel_of(rec), l.cgroup));
  if (l.ipc.any() && init_running(rec) && !own_ipc_namespace(rec.init_pid))
    return fail("IPC rules need the jail's own IPC namespace (sysvipc=new); jail '{}' shares the host's",
                rec.name);
  return {};
}

Result<void> write(const jail::Record& rec, const Limits& l, const Limits& prev) {
  std::string rel = rel_of(rec);
  TRY(write_cgroup_limits(rel, l.cgroup, prev.cgroup));
  std::vector<int> reset;
  for (const auto& p : prev.rlimits)
    if (std::none_of(l.rlimits.begin(), l.rlimits.end(), [&](const RlimitRule& r) { return r.resource == p.resource; }))
      reset.push_back(p.resource);
  if (!l.rlimits.empty() || !reset.empty()) TRY(prlimit_all(kernel::cgroup_pids(rel), l.rlimits, reset));
  // Linux: IPC limits live in the jail's namespace, which exists while its pid 1 does.
  if ((l.ipc.any() || prev.ipc.any()) && init_running(rec)) TRY(write_ipc_limits(rec.init_pid, l.ipc));
  return {};
}

}  // namespace

Result<void> apply_rules(const jail::Record& rec, const std::vector<Rule>& rules, const std::vector<Rule>& old) {
  Limits want = limits_for(rules), prev = limits_for(old);
  TRY_CTX(check(rec, want), rec.name);
  if (auto done = write(rec, want, prev); !done) {
    (void)write(rec, prev, want);
    return std::unexpected(std::move(done).error().context(rec.name));
  }
  return {};
}

}  // namespace jails::rctl
