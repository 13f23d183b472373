#include "rctl/usage.h"

#include <unistd.h>

#include <map>
#include <thread>

#include "base/text.h"
#include "kernel/cgroup.h"
#include "rctl/cgroup_limits.h"
#include "rctl/ipc.h"
#include "rctl/process_limits.h"
#include "rctl/resource.h"

namespace jails::rctl {

namespace {

using Clock = std::chrono::steady_clock;

int64_t wallclock_of(const jail::Record& rec) {
  if (rec.init_start == 0) return 0;
  auto up = read_file("/proc/uptime");
  if (!up) return 0;
  double uptime = std::strtod(up->c_str(), nullptr);
  double started = static_cast<double>(rec.init_start) / static_cast<double>(::sysconf(_SC_CLK_TCK));
  return uptime > started ? static_cast<int64_t>(uptime - started) : 0;
}

int64_t rate(std::optional<uint64_t> a, std::optional<uint64_t> b, double secs) {
  if (!a || !b || *b < *a || secs <= 0) return 0;
  return static_cast<int64_t>(static_cast<double>(*b - *a) / secs);
}

void add_sampled(std::map<std::string_view, int64_t>& v, const std::string& rel, std::chrono::milliseconds sample) {
  CgroupUsage a = read_cgroup_usage(rel);
  auto t0 = Clock::now();
  std::this_thread::sleep_for(sample);
  CgroupUsage b = read_cgroup_usage(rel);
  double secs = std::chrono::duration<double>(Clock::now() - t0).count();
  // FreeBSD: pcpu is percent of one CPU.
  if (a.cpu_ns && b.cpu_ns) v["pcpu"] = static_cast<int64_t>(rate(a.cpu_ns, b.cpu_ns, secs) / 1e7 + 0.5);
  if (b.rbytes) v["readbps"] = rate(a.rbytes, b.rbytes, secs);
  if (b.wbytes) v["writebps"] = rate(a.wbytes, b.wbytes, secs);
  if (b.rios) v["readiops"] = rate(a.rios, b.rios, secs);
  if (b.wios) v["writeiops"] = rate(a.wios, b.wios, secs);
  if (b.cpu_ns) v["cputime"] = static_cast<int64_t>(*b.cpu_ns / 1000000000);
  if (b.memory) v["memoryuse"] = static_cast<int64_t>(*b.memory);
  if (b.swap) v["swapuse"] = static_cast<int64_t>(*b.swap);
  if (b.tasks) v["nthr"] = static_cast<int64_t>(*b.tasks);
}

}  // namespace

Result<std::vector<UsageLine>> jail_usage(const jail::Record& rec, std::chrono::milliseconds sample) {
  std::string rel = rec.cgroup.empty() ? kernel::jail_cgroup(rec.name) : rec.cgroup;
  std::map<std::string_view, int64_t> v;
  add_sampled(v, rel, sample);
  auto pids = kernel::cgroup_pids(rel);
  ProcessUsage p = read_process_usage(pids);
  v["maxproc"] = p.processes;
  if (!v.contains("nthr")) v["nthr"] = p.threads;
  v["datasize"] = p.data;
  v["stacksize"] = p.stack;
  v["memorylocked"] = p.locked;
  v["vmemoryuse"] = p.vmem;
  v["openfiles"] = p.openfiles;
  v["wallclock"] = wallclock_of(rec);
  if (rec.init_pid > 0 && own_ipc_namespace(rec.init_pid)) {
    if (auto ipc = read_ipc_usage(rec.init_pid)) {
      v["nmsgq"] = ipc->nmsgq, v["msgqqueued"] = ipc->msgqqueued, v["msgqsize"] = ipc->msgqsize;
      v["nsem"] = ipc->nsem, v["nshm"] = ipc->nshm, v["shmsize"] = ipc->shmsize;
    }
  }
  std::vector<UsageLine> out;
  for (const auto& r : resources())
    if (auto it = v.find(r.name); it != v.end()) out.push_back({std::string(r.name), it->second});
  return out;
}

}  // namespace jails::rctl
