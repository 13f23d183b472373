// The cgroup counters behind `rctl -u` (declared in cgroup_limits.h).
#include <optional>

#include "base/text.h"
#include "kernel/cgroup.h"
#include "rctl/cgroup_limits.h"

namespace jails::rctl {

namespace {

using kernel::Hierarchy;

std::optional<uint64_t> read_u64(const std::string& path) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  auto v = parse_int(trim(*text));
  if (!v || *v < 0) return std::nullopt;
  return static_cast<uint64_t>(*v);
}

// "key value" lines (cpu.stat, memory.stat): the value of key.
std::optional<uint64_t> read_key(const std::string& path, std::string_view key) {
  auto text = read_file(path);
  if (!text) return std::nullopt;
  for (const auto& line : split(*text, '\n')) {
    auto f = split_blanks(line);
    if (f.size() == 2 && f[0] == key)
      if (auto v = parse_int(f[1])) return static_cast<uint64_t>(*v);
  }
  return std::nullopt;
}

void add(std::optional<uint64_t>& slot, uint64_t v) { slot = slot.value_or(0) + v; }

// v1 blkio.throttle.io_service_bytes / io_serviced: "8:0 Read 4096" lines per device.
void read_blkio(const std::string& d, CgroupUsage& u) {
  for (auto [file, rd, wr] : {std::tuple{"blkio.throttle.io_service_bytes_recursive", &u.rbytes, &u.wbytes},
                              std::tuple{"blkio.throttle.io_serviced_recursive", &u.rios, &u.wios}}) {
    auto text = read_file(d + "/" + file);
    if (!text) continue;
    *rd = 0;
    *wr = 0;
    for (const auto& line : split(*text, '\n')) {
      auto f = split_blanks(line);
      if (f.size() != 3) continue;
      auto v = parse_int(f[2]);
      if (!v) continue;
      if (f[1] == "Read") add(*rd, *v);
      if (f[1] == "Write") add(*wr, *v);
    }
  }
}

// v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" per device.
void read_io_stat(const std::string& d, CgroupUsage& u) {
  auto text = read_file(d + "/io.stat");
  if (!text) return;
  u.rbytes = u.wbytes = u.rios = u.wios = 0;
  for (const auto& line : split(*text, '\n'))
    for (const auto& kv : split_blanks(line)) {
      auto eq = kv.find('=');
      if (eq == std::string::npos) continue;
      auto v = parse_int(std::string_view(kv).substr(eq + 1));
      if (!v) continue;
      std::string k = kv.substr(0, eq);
      if (k == "rbytes") add(u.rbytes, *v);
      if (k == "wbytes") add(u.wbytes, *v);
      if (k == "rios") add(u.rios, *v);
      if (k == "wios") add(u.wios, *v);
    }
}

void read_memory(const std::string& rel, CgroupUsage& u) {
  const Hierarchy* h = kernel::cgroup_layout().find("memory");
  if (!h) return;
  std::string d = h->root + "/" + rel;
  if (h->v2) {
    u.memory = read_u64(d + "/memory.current");
    u.swap = read_u64(d + "/memory.swap.current");
    return;
  }
  u.memory = read_u64(d + "/memory.usage_in_bytes");
  auto memsw = read_u64(d + "/memory.memsw.usage_in_bytes");
  if (memsw && u.memory) u.swap = *memsw > *u.memory ? *memsw - *u.memory : 0;
}

void read_cpu(const std::string& rel, CgroupUsage& u) {
  const auto& layout = kernel::cgroup_layout();
  if (const Hierarchy* h = layout.find("cpuacct")) {
    u.cpu_ns = read_u64(h->root + "/" + rel + "/cpuacct.usage");
    if (u.cpu_ns) return;
  }
  // Linux: cgroup2's cpu.stat has usage_usec even when the cpu controller is off.
  if (const Hierarchy* h = layout.v2())
    if (auto us = read_key(h->root + "/" + rel + "/cpu.stat", "usage_usec")) u.cpu_ns = *us * 1000;
}

}  // namespace

CgroupUsage read_cgroup_usage(const std::string& rel) {
  CgroupUsage u;
  const auto& layout = kernel::cgroup_layout();
  read_memory(rel, u);
  read_cpu(rel, u);
  if (const Hierarchy* h = layout.find("pids")) u.tasks = read_u64(h->root + "/" + rel + "/pids.current");
  if (const Hierarchy* h = layout.find("blkio")) read_blkio(h->root + "/" + rel, u);
  else if (const Hierarchy* h2 = layout.find("io")) read_io_stat(h2->root + "/" + rel, u);
  return u;
}

}  // namespace jails::rctl
