#include "rctl/cgroup_limits.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/text.h"
#include "base/unique_fd.h"
#include "kernel/cgroup.h"

namespace jails::rctl {

namespace {

using kernel::Hierarchy;

Result<void> write_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return sys_fail("open({})", path);
  if (::write(fd.get(), text.data(), text.size()) < 0) return sys_fail("write({}, \"{}\")", path, text);
  return {};
}

bool exists(const std::string& p) { return ::access(p.c_str(), F_OK) == 0; }

std::string num_or(const std::optional<int64_t>& v, const char* none) {
  return v ? std::to_string(*v) : std::string(none);
}

const Hierarchy* need(const char* controller) { return kernel::cgroup_layout().find(controller); }

// Linux: on cgroup2 a controller's files exist in a cgroup only when its parent lists
// the controller in cgroup.subtree_control; switch it on from the root down to jail/.
Result<void> enable_v2(const Hierarchy& h, const std::string& rel, const char* controller) {
  std::string dir = h.root;
  auto parts = split(rel, '/');
  for (size_t i = 0; i < parts.size(); ++i) {  // every ancestor of the leaf
    auto current = read_file(dir + "/cgroup.subtree_control");
    bool on = false;
    if (current)
      for (const auto& c : split_blanks(*current)) on = on || c == controller;
    if (!on) TRY(write_file(dir + "/cgroup.subtree_control", std::string("+") + controller));
    dir += "/" + parts[i];
  }
  return {};
}

std::string dir_of(const Hierarchy& h, const std::string& rel) { return h.root + "/" + rel; }

Result<void> write_memory(const std::string& rel, const CgroupLimits& l) {
  const Hierarchy* h = need("memory");
  if (!h) return {};
  std::string d = dir_of(*h, rel);
  if (h->v2) {
    TRY(enable_v2(*h, rel, "memory"));
    TRY(write_file(d + "/memory.max", num_or(l.memory, "max")));
    if (exists(d + "/memory.swap.max")) TRY(write_file(d + "/memory.swap.max", num_or(l.swap, "max")));
    return {};
  }
  // Linux v1: memsw counts memory + swap and may never be below the memory limit, so
  // open memsw first, set memory, then close memsw to memory + swap.
  bool memsw = exists(d + "/memory.memsw.limit_in_bytes");
  if (memsw) TRY(write_file(d + "/memory.memsw.limit_in_bytes", "-1"));
  TRY(write_file(d + "/memory.limit_in_bytes", num_or(l.memory, "-1")));
  if (memsw && l.swap && l.memory)
    TRY(write_file(d + "/memory.memsw.limit_in_bytes", std::to_string(*l.memory + *l.swap)));
  return {};
}

Result<void> write_pids(const std::string& rel, const CgroupLimits& l) {
  const Hierarchy* h = need("pids");
  if (!h) return {};
  if (h->v2) TRY(enable_v2(*h, rel, "pids"));
  return write_file(dir_of(*h, rel) + "/pids.max", num_or(l.pids, "max"));
}

// FreeBSD: pcpu is a percentage of one CPU; 100 = one full CPU.
constexpr int64_t kPeriodUs = 100000;

Result<void> write_cpu(const std::string& rel, const CgroupLimits& l) {
  const Hierarchy* h = need("cpu");
  if (!h) return {};
  std::string d = dir_of(*h, rel);
  std::string quota = l.pcpu ? std::to_string(*l.pcpu * kPeriodUs / 100) : "";
  if (h->v2) {
    TRY(enable_v2(*h, rel, "cpu"));
    return write_file(d + "/cpu.max", fmt::format("{} {}", l.pcpu ? quota : "max", kPeriodUs));
  }
  TRY(write_file(d + "/cpu.cfs_period_us", std::to_string(kPeriodUs)));
  return write_file(d + "/cpu.cfs_quota_us", l.pcpu ? quota : "-1");
}

Result<void> write_io_v1(const std::string& d, const CgroupLimits& l) {
  const std::pair<const char*, const std::optional<int64_t>*> files[] = {
      {"blkio.throttle.read_bps_device", &l.rbps},
      {"blkio.throttle.write_bps_device", &l.wbps},
      {"blkio.throttle.read_iops_device", &l.riops},
      {"blkio.throttle.write_iops_device", &l.wiops}};
  for (const auto& dev : block_devices())
    for (const auto& [file, v] : files)
      // Linux v1: a value of 0 removes the device's throttle.
      TRY(write_file(d + "/" + file, fmt::format("{} {}", dev, v->value_or(0))));
  return {};
}

Result<void> write_io(const std::string& rel, const CgroupLimits& l) {
  const Hierarchy* h = kernel::cgroup_layout().find(kernel::cgroup_layout().find("blkio") ? "blkio" : "io");
  if (!h) return {};
  std::string d = dir_of(*h, rel);
  if (!h->v2) return write_io_v1(d, l);
  TRY(enable_v2(*h, rel, "io"));
  for (const auto& dev : block_devices())
    TRY(write_file(d + "/io.max", fmt::format("{} rbps={} wbps={} riops={} wiops={}", dev, num_or(l.rbps, "max"),
                                              num_or(l.wbps, "max"), num_or(l.riops, "max"),
                                              num_or(l.wiops, "max"))));
  return {};
}

}  // namespace

std::vector<std::string> block_devices() {
  std::vector<std::string> out;
  DIR* d = ::opendir("/sys/block");
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] == '.') continue;
    if (auto dev = read_file(std::string("/sys/block/") + e->d_name + "/dev")) out.emplace_back(trim(*dev));
  }
  ::closedir(d);
  return out;
}

void enable_accounting(const std::string& rel) {
  for (const char* controller : {"memory", "pids", "io"}) {
    const Hierarchy* h = need(controller);
    if (h && h->v2) (void)enable_v2(*h, rel, controller);
  }
}

Result<void> check_cgroup_limits(const std::string& rel, const CgroupLimits& l) {
  const auto& layout = kernel::cgroup_layout();
  auto missing = [&](const char* controller, const char* res) -> Result<void> {
    if (!layout.find(controller))
      return fail("{}: no {} controller (neither a cgroup v1 mount nor enabled on cgroup2)", res, controller);
    return {};
  };
  if (l.memory || l.swap) TRY(missing("memory", l.memory ? "memoryuse" : "swapuse"));
  if (l.pids) TRY(missing("pids", "maxproc"));
  if (l.pcpu) TRY(missing("cpu", "pcpu"));
  if (l.rbps || l.wbps || l.riops || l.wiops)
    if (!layout.find("blkio") && !layout.find("io"))
      return fail("IO rules: no blkio (v1) or io (v2) controller");
  if (l.swap) {
    const Hierarchy* h = layout.find("memory");
    std::string d = dir_of(*h, rel);
    if (!h->v2 && !l.memory)
      return fail("swapuse on cgroup v1 needs a memoryuse rule too: memory.memsw.limit_in_bytes "
                  "limits memory and swap together");
    if (!h->v2 && !exists(d + "/memory.memsw.limit_in_bytes"))
      return fail("swapuse: {}/memory.memsw.limit_in_bytes is missing (boot with swapaccount=1)", d);
  }
  if (layout.hierarchies.empty()) return fail("no cgroup hierarchy is mounted");
  if (!exists(dir_of(layout.hierarchies.front(), rel)))
    return fail("cgroup {} does not exist", dir_of(layout.hierarchies.front(), rel));
  return {};
}

Result<void> write_cgroup_limits(const std::string& rel, const CgroupLimits& l, const CgroupLimits& prev) {
  auto io = [](const CgroupLimits& c) { return c.rbps || c.wbps || c.riops || c.wiops; };
  if (l.memory || l.swap || prev.memory || prev.swap) TRY_CTX(write_memory(rel, l), "memoryuse/swapuse");
  if (l.pids || prev.pids) TRY_CTX(write_pids(rel, l), "maxproc/nthr");
  if (l.pcpu || prev.pcpu) TRY_CTX(write_cpu(rel, l), "pcpu");
  if (io(l) || io(prev)) TRY_CTX(write_io(rel, l), "readbps/writebps/readiops/writeiops");
  return {};
}

}  // namespace jails::rctl
