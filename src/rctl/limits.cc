#include "rctl/limits.h"

#include <algorithm>
#include <map>

#include "rctl/resource.h"

namespace jails::rctl {

namespace {

void lower(std::optional<int64_t>& slot, int64_t v) { slot = slot ? std::min(*slot, v) : v; }
void lower_u(std::optional<uint64_t>& slot, uint64_t v) { slot = slot ? std::min(*slot, v) : v; }

void add_cgroup(CgroupLimits& c, std::string_view res, int64_t v) {
  if (res == "memoryuse") lower(c.memory, v);
  else if (res == "swapuse") lower(c.swap, v);
  else if (res == "maxproc" || res == "nthr") lower(c.pids, v);
  else if (res == "pcpu") lower(c.pcpu, v);
  else if (res == "readbps") lower(c.rbps, v);
  else if (res == "writebps") lower(c.wbps, v);
  else if (res == "readiops") lower(c.riops, v);
  else if (res == "writeiops") lower(c.wiops, v);
}

void add_ipc(IpcLimits& l, std::string_view res, int64_t v) {
  if (res == "nmsgq") lower(l.msgmni, v);
  else if (res == "nsem") lower(l.semmns, v);
  else if (res == "nsemop") lower(l.semopm, v);
  else if (res == "nshm") lower(l.shmmni, v);
  else if (res == "shmsize") lower(l.shmsize_bytes, v);
}

}  // namespace

Limits limits_for(const std::vector<Rule>& rules) {
  Limits out;
  std::map<int, RlimitRule> rl;
  for (const auto& r : rules) {
    const ResourceInfo* info = find_resource(r.resource);
    if (!info || !r.amount) continue;
    int64_t v = *r.amount;
    switch (info->mech) {
      case Mech::rlimit: {
        auto& slot = rl.try_emplace(info->rlimit, RlimitRule{info->rlimit, {}, {}}).first->second;
        // Linux: RLIMIT_CPU sends SIGXCPU at the soft limit and SIGKILL at the hard one.
        if (r.action == "sigxcpu") lower_u(slot.soft, static_cast<uint64_t>(v));
        else if (r.action == "sigkill") lower_u(slot.hard, static_cast<uint64_t>(v));
        else lower_u(slot.soft, static_cast<uint64_t>(v)), lower_u(slot.hard, static_cast<uint64_t>(v));
        break;
      }
      case Mech::ipc: add_ipc(out.ipc, r.resource, v); break;
      case Mech::none: break;
      default: add_cgroup(out.cgroup, r.resource, v); break;
    }
  }
  for (auto& [k, v] : rl) out.rlimits.push_back(v);
  return out;
}

struct rlimit resolve_rlimit(const RlimitRule& rule, const struct rlimit& base) {
  // FreeBSD: a rctl rule and a process's own rlimit both hold, so the tighter wins; a
  // rule never loosens the limits the jail would have without it.
  struct rlimit r = base;
  if (rule.hard) r.rlim_max = std::min<rlim_t>(*rule.hard, base.rlim_max);
  if (rule.soft) r.rlim_cur = std::min<rlim_t>(*rule.soft, base.rlim_cur);
  r.rlim_cur = std::min(r.rlim_cur, r.rlim_max);
  return r;
}

}  // namespace jails::rctl
