// The device cgroup of a jail: the boundary behind its /dev (devfs.h).
//
// v1: the "devices" controller's allow/deny lists. cgroup2 has no device files; the
// kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the cgroup (inherited by
// every cgroup below it, so jail/<name>/procs is covered). The program is attached with
// BPF_PROG_ATTACH and stays until the cgroup is removed: no process holds it.
#include <fcntl.h>
#include <linux/bpf.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/unique_fd.h"
#include "kernel/cgroup.h"
#include "kernel/devfs.h"

namespace jails::kernel {

namespace {

struct Rule {
  unsigned major;
  int minor;  // -1: any
};

std::vector<Rule> rules_of(const DevfsPlan& plan) {
  std::vector<Rule> rules;
  for (const DeviceNode& n : kDevfsNodes) rules.push_back({n.major, static_cast<int>(n.minor)});
  rules.push_back({5, 2});    // /dev/pts/ptmx
  rules.push_back({136, -1}); // the ptys of the jail's devpts
  if (plan.fuse) rules.push_back({kFuseNode.major, static_cast<int>(kFuseNode.minor)});
  if (plan.kvm) rules.push_back({kKvmNode.major, static_cast<int>(kKvmNode.minor)});
  return rules;
}

Result<void> write_file(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return sys_fail("open({})", path);
  if (::write(fd.get(), text.data(), text.size()) < 0) return sys_fail("write({}, \"{}\")", path, text);
  return {};
}

bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm) {
  bpf_insn i{};
  i.code = code;
  i.dst_reg = dst;
  i.src_reg = src;
  i.off = off;
  i.imm = imm;
  return i;
}

// r2 = device type, r4 = major, r5 = minor; each rule: type char, major, minor (or any)
// -> return 1; after the last rule return 0. Every access (read, write, mknod) of a listed
// node is allowed, as "rwm" in v1.
std::vector<bpf_insn> device_program(const std::vector<Rule>& rules) {
  std::vector<bpf_insn> p;
  p.push_back(insn(BPF_LDX | BPF_MEM | BPF_W, 2, 1, offsetof(bpf_cgroup_dev_ctx, access_type), 0));
  p.push_back(insn(BPF_ALU | BPF_AND | BPF_K, 2, 0, 0, 0xffff));
  p.push_back(insn(BPF_LDX | BPF_MEM | BPF_W, 4, 1, offsetof(bpf_cgroup_dev_ctx, major), 0));
  p.push_back(insn(BPF_LDX | BPF_MEM | BPF_W, 5, 1, offsetof(bpf_cgroup_dev_ctx, minor), 0));
  for (const Rule& r : rules) {
    int16_t skip = r.minor < 0 ? 3 : 4;  // instructions left in this rule after the test
    p.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 2, 0, skip, BPF_DEVCG_DEV_CHAR));
    p.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 4, 0, int16_t(skip - 1), static_cast<int32_t>(r.major)));
    if (r.minor >= 0) p.push_back(insn(BPF_JMP | BPF_JNE | BPF_K, 5, 0, 2, r.minor));
    p.push_back(insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 1));
    p.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  }
  p.push_back(insn(BPF_ALU64 | BPF_MOV | BPF_K, 0, 0, 0, 0));
  p.push_back(insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0));
  return p;
}

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::vector<std::string> device_cgroup_rules(const DevfsPlan& plan) {
  std::vector<std::string> out;
  for (const Rule& r : rules_of(plan))
    out.push_back(r.minor < 0 ? fmt::format("c {}:* rwm", r.major) : fmt::format("c {}:{} rwm", r.major, r.minor));
  return out;
}

Result<void> apply_device_cgroup_v1(const std::string& dir, const DevfsPlan& plan) {
  TRY(write_file(dir + "/devices.deny", "a"));
  for (const auto& r : device_cgroup_rules(plan)) TRY(write_file(dir + "/devices.allow", r));
  return {};
}

Result<void> attach_device_program(const std::string& dir, const DevfsPlan& plan) {
  std::vector<bpf_insn> prog = device_program(rules_of(plan));
  static const char license[] = "GPL";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = reinterpret_cast<uint64_t>(prog.data());
  load.insn_cnt = static_cast<uint32_t>(prog.size());
  load.license = reinterpret_cast<uint64_t>(license);
  UniqueFd prog_fd(static_cast<int>(bpf(BPF_PROG_LOAD, load)));
  if (!prog_fd) return sys_fail("bpf(BPF_PROG_LOAD, cgroup device program for {})", dir);
  UniqueFd cg(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cg) return sys_fail("open({})", dir);
  bpf_attr attach{};
  attach.target_fd = static_cast<uint32_t>(cg.get());
  attach.attach_bpf_fd = static_cast<uint32_t>(prog_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  if (bpf(BPF_PROG_ATTACH, attach) < 0) return sys_fail("bpf(BPF_PROG_ATTACH, BPF_CGROUP_DEVICE, {})", dir);
  return {};
}

Result<void> apply_device_cgroup(const std::string& rel, const DevfsPlan& plan) {
  bool done = false;
  for (const auto& h : cgroup_layout().hierarchies) {
    bool devices = false;
    for (const auto& c : h.controllers) devices |= c == "devices";
    if (!h.v2 && !devices) continue;
    std::string dir = h.root + "/" + rel;
    if (h.v2) TRY(attach_device_program(dir, plan));
    else TRY(apply_device_cgroup_v1(dir, plan));
    done = true;
  }
  if (!done) return fail("device cgroup of {}: neither a v1 devices hierarchy nor a cgroup2 mount", rel);
  return {};
}

}  // namespace jails::kernel
