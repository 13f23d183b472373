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

// A process of the jail, whose IPC namespace is the jail's: pid 1 once the record
// names it, else (jail -c calls apply_config_rules before the record has pid 1) any
// process in the jail's cgroup. 0 when the jail has none.
pid_t ipc_holder(const jail::Record& rec) {
  if (rec.init_pid > 0 && jail::init_alive(rec)) return rec.init_pid;
  auto pids = kernel::cgroup_pids(rel_of(rec));
  return pids.empty() ? 0 : pids.front();
}

Result<void> check(const jail::Record& rec, const Limits& l) {
  TRY(check_cgroup_limits(rel_of(rec), l.cgroup));
  pid_t holder = ipc_holder(rec);
  if (l.ipc.any() && holder > 0 && !own_ipc_namespace(holder))
    return fail("IPC rules need the jail's own IPC namespace (sysvshm=new, sysvmsg=new, sysvsem=new); jail '{}' shares the host's",
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
  if (l.ipc.any() || prev.ipc.any())
    if (pid_t holder = ipc_holder(rec); holder > 0) TRY(write_ipc_limits(holder, l.ipc));
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
