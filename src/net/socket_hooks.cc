// attach_socket_hooks: loads the jail's socket programs and attaches them to its cgroup.
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

#include "base/text.h"
#include "base/unique_fd.h"
#include "net/jail_net.h"
#include "net/socket_programs.h"

namespace jails::net {

namespace {

long bpf(int cmd, bpf_attr& attr) { return syscall(SYS_bpf, cmd, &attr, sizeof attr); }

// BPF_PROG_LOAD; on a verifier refusal the error carries the verifier's last line.
Result<UniqueFd> load(const HookProgram& p) {
  static char log[16384];
  bpf_attr attr;
  std::memset(&attr, 0, sizeof attr);
  attr.prog_type = p.type;
  attr.expected_attach_type = p.attach;
  attr.insns = reinterpret_cast<uint64_t>(p.insns.data());
  attr.insn_cnt = static_cast<uint32_t>(p.insns.size());
  attr.license = reinterpret_cast<uint64_t>("Dual BSD/GPL");
  log[0] = 0;
  attr.log_buf = reinterpret_cast<uint64_t>(log);
  attr.log_size = sizeof log;
  attr.log_level = 1;
  int fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
  if (fd < 0 && errno == ENOSPC) {  // log too small: the program may still be fine
    attr.log_buf = 0;
    attr.log_size = 0;
    attr.log_level = 0;
    fd = static_cast<int>(bpf(BPF_PROG_LOAD, attr));
  }
  if (fd < 0) {
    int e = errno;
    auto lines = split(trim(log), '\n');
    std::string last = lines.empty() ? "" : " (verifier: " + lines.back() + ")";
    return errno_fail(e, fmt::format("bpf(BPF_PROG_LOAD, {}, {} insns){}", p.name, p.insns.size(), last));
  }
  return UniqueFd(fd);
}

Result<std::vector<UniqueFd>> load_all(const NetPlan& plan, bool with_retval) {
  std::vector<UniqueFd> fds;
  for (const auto& p : socket_programs(plan, with_retval)) fds.push_back(TRY(load(p)));
  return fds;
}

}  // namespace

Result<void> attach_socket_hooks(int cgroup_fd, const NetPlan& plan) {
  auto progs = socket_programs(plan, true);
  auto fds = load_all(plan, true);
  if (!fds) {
    // Linux before 5.18 has no bpf_set_retval: the same checks, refused with EPERM.
    progs = socket_programs(plan, false);
    fds = load_all(plan, false);
  }
  if (!fds) return std::unexpected(std::move(fds).error().context(plan.jail + ": socket hooks"));
  for (size_t i = 0; i < progs.size(); i++) {
    bpf_attr attr;
    std::memset(&attr, 0, sizeof attr);
    attr.target_fd = static_cast<uint32_t>(cgroup_fd);
    attr.attach_bpf_fd = static_cast<uint32_t>((*fds)[i].get());
    attr.attach_type = progs[i].attach;
    // MULTI: a nested jail's programs run as well as these, never instead of them.
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (bpf(BPF_PROG_ATTACH, attr) < 0)
      return sys_fail("{}: socket hooks: bpf(BPF_PROG_ATTACH, {}, cgroup fd {})", plan.jail,
                      progs[i].name, cgroup_fd);
  }
  // The attachments hold the programs; they go when the cgroup is removed.
  return {};
}

}  // namespace jails::net
