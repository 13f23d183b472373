#include "net/socket_programs.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "net/bpf_asm.h"
#include "net/jail_net.h"

namespace jails::net {

namespace {

constexpr int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R6 = 6, R10 = 10;

uint32_t word(const IpAddr& a, int i) {
  uint32_t w;
  std::memcpy(&w, a.bytes.data() + 4 * i, 4);
  return w;
}

IpAddr special(int family, const char* text) { return *parse_addr(text, family); }

// One generator per (program, family): the addresses, the primary, the options.
struct Gen {
  BpfAsm a;
  int family;
  const std::vector<JailAddr>& addrs;
  bool with_retval;
  bool map_loopback;   // FreeBSD: 127.0.0.1 / ::1 means the primary, unless it is a jail address
  bool mapped_ok;      // v6 only: IPv4-mapped addresses pass (ip4 = inherit)
  int uniq = 0;

  int words() const { return family == AF_INET ? 1 : 4; }
  const IpAddr& primary() const { return addrs.front().addr; }

  // Loads the address at ctx offset `off` into r2 (IPv4) or r2..r5 (IPv6).
  void load(int16_t off) {
    for (int i = 0; i < words(); i++) a.ldx_w(R2 + i, R6, static_cast<int16_t>(off + 4 * i));
  }
  void match(const IpAddr& addr, const std::string& label) {
    std::string next = "n" + std::to_string(uniq++);
    for (int i = 0; i < words() - 1; i++) a.jne32(R2 + i, word(addr, i), next);
    a.jeq32(R2 + words() - 1, word(addr, words() - 1), label);
    a.label(next);
  }
  void match_jail(const std::string& label) {
    for (const auto& j : addrs) match(j.addr, label);
  }
  void match_v4_mapped(const std::string& label) {
    std::string next = "n" + std::to_string(uniq++);
    a.jne32(R2, 0, next);
    a.jne32(R3, 0, next);
    a.jeq32(4, 0xffff0000u, label);  // bytes 00 00 ff ff, read as a little-endian u32
    a.label(next);
  }
  void store_primary(int16_t off) {
    for (int i = 0; i < words(); i++) {
      a.mov32_imm(R2, word(primary(), i));
      a.stx_w(R6, R2, static_cast<int16_t>(off + 4 * i));
    }
  }
  void deny(int err) {
    if (with_retval) {
      a.mov_imm(R1, -err);
      a.call(BPF_FUNC_set_retval);
    }
    a.mov_imm(R0, 0);
    a.exit();
  }
  void allow() {
    a.mov_imm(R0, 1);
    a.exit();
  }
  int16_t user_off() const {
    return family == AF_INET ? offsetof(bpf_sock_addr, user_ip4) : offsetof(bpf_sock_addr, user_ip6);
  }
  int16_t src_off() const {
    return family == AF_INET ? offsetof(bpf_sock_addr, msg_src_ip4)
                             : offsetof(bpf_sock_addr, msg_src_ip6);
  }
  // The loopback rule and the IPv4-mapped rule on the destination; falls through.
  void destination() {
    load(user_off());
    if (map_loopback) {
      match(special(family, family == AF_INET ? "127.0.0.1" : "::1"), "dst_loop");
      a.ja("dst_other");
      a.label("dst_loop");
      store_primary(user_off());
      a.label("dst_other");
      load(user_off());
    }
    if (family == AF_INET6 && !mapped_ok) {
      match_v4_mapped("dst_mapped");
      a.ja("dst_done");
      a.label("dst_mapped");
      deny(ENETUNREACH);
      a.label("dst_done");
    }
  }
};

std::vector<bpf_insn> bind_prog(Gen& g) {
  auto& a = g.a;
  a.mov_reg(R6, R1);
  g.load(g.user_off());
  g.match_jail("allow");
  if (g.family == AF_INET6 && g.mapped_ok) g.match_v4_mapped("allow");
  g.match(special(g.family, g.family == AF_INET ? "0.0.0.0" : "::"), "rewrite");
  if (g.map_loopback) g.match(special(g.family, g.family == AF_INET ? "127.0.0.1" : "::1"), "rewrite");
  g.deny(EADDRNOTAVAIL);  // FreeBSD: prison_local_ip4() -> EADDRNOTAVAIL
  a.label("rewrite");
  g.store_primary(g.user_off());
  a.label("allow");
  g.allow();
  return a.finish();
}

// Puts a sockaddr of `src` (port 0) on the stack at r10-32: bpf_bind's argument.
int sockaddr_on_stack(Gen& g, const IpAddr& src) {
  auto& a = g.a;
  for (int16_t off = -32; off < 0; off += 4) a.st_w(R10, off, 0);
  if (g.family == AF_INET) {
    a.st_w(R10, -32, AF_INET);  // sin_family, sin_port = 0
    a.st_w(R10, -28, static_cast<int32_t>(word(src, 0)));
    return sizeof(sockaddr_in);
  }
  a.st_w(R10, -32, AF_INET6);  // sin6_family, sin6_port = 0; flowinfo stays 0
  for (int i = 0; i < 4; i++) a.st_w(R10, static_cast<int16_t>(-24 + 4 * i), static_cast<int32_t>(word(src, i)));
  return sizeof(sockaddr_in6);
}

// The network-order mask of a prefix, word i, as the u32 the program compares.
uint32_t mask_word(int family, int prefix, int i) {
  IpAddr m;
  m.family = family;
  for (int b = 0; b < prefix; b++) m.bytes[b / 8] |= static_cast<uint8_t>(0x80 >> (b % 8));
  return word(m, i);
}

// ip4.saddrsel / ip6.saddrsel: the source is the jail address whose prefix holds the
// destination (r2..r5), else the primary; with saddrsel off, always the primary. Leaves
// the chosen sockaddr on the stack and its length in r3... as bpf_bind wants; jumps to
// "bind" when done.
void choose_source(Gen& g, bool saddrsel) {
  auto& a = g.a;
  const int R7 = 7;
  size_t n = saddrsel ? g.addrs.size() : 1;
  for (size_t i = 1; i < n; i++) {  // the primary is the default anyway
    const IpAddr& cand = g.addrs[i].addr;
    std::string next = "s" + std::to_string(i);
    for (int w = 0; w < g.words(); w++) {
      uint32_t m = mask_word(g.family, cand.prefix, w);
      a.mov32_reg(R7, R2 + w);
      a.and32_imm(R7, m);
      a.jne32(R7, word(cand, w) & m, next);
    }
    a.ja("src" + std::to_string(i));
    a.label(next);
  }
  for (size_t i = 0; i < n; i++) {
    a.label("src" + std::to_string(i));
    a.mov_imm(R3, sockaddr_on_stack(g, g.addrs[i].addr));
    a.ja("bind");
  }
}

std::vector<bpf_insn> connect_prog(Gen& g, bool saddrsel) {
  auto& a = g.a;
  a.mov_reg(R6, R1);
  g.destination();
  if (g.family == AF_INET6 && g.mapped_ok) g.match_v4_mapped("allow");
  g.load(g.user_off());  // the destination as it now is
  choose_source(g, saddrsel);
  a.label("bind");
  a.mov_reg(R1, R6);
  a.mov_reg(R2, R10);
  a.add_imm(R2, -32);
  a.call(BPF_FUNC_bind);
  a.jeq(R0, 0, "allow");
  a.jeq(R0, -EINVAL, "allow");  // already bound (to a jail address: bind is checked)
  g.deny(EADDRNOTAVAIL);
  a.label("allow");
  g.allow();
  return a.finish();
}

std::vector<bpf_insn> sendmsg_prog(Gen& g) {
  auto& a = g.a;
  a.mov_reg(R6, R1);
  g.destination();
  if (g.family == AF_INET6 && g.mapped_ok) g.match_v4_mapped("allow");
  g.load(g.src_off());
  g.match_jail("allow");
  g.match(special(g.family, g.family == AF_INET ? "0.0.0.0" : "::"), "set_src");
  g.deny(EADDRNOTAVAIL);
  a.label("set_src");
  g.store_primary(g.src_off());
  a.label("allow");
  g.allow();
  return a.finish();
}

std::vector<bpf_insn> create_prog(bool deny4, bool deny6, bool with_retval) {
  BpfAsm a;
  a.ldx_w(R2, R1, offsetof(bpf_sock, family));
  if (deny4) a.jeq32(R2, AF_INET, "deny");
  if (deny6) a.jeq32(R2, AF_INET6, "deny");
  a.mov_imm(R0, 1);
  a.exit();
  a.label("deny");
  if (with_retval) {
    a.mov_imm(R1, -EAFNOSUPPORT);  // FreeBSD: socket(2) of a family the jail lacks
    a.call(BPF_FUNC_set_retval);
  }
  a.mov_imm(R0, 0);
  a.exit();
  return a.finish();
}

bool has(const std::vector<JailAddr>& addrs, const IpAddr& x) {
  for (const auto& j : addrs)
    if (j.addr.same_addr(x)) return true;
  return false;
}

}  // namespace

std::vector<HookProgram> socket_programs(const NetPlan& plan, bool with_retval) {
  std::vector<HookProgram> out;
  if (!plan.needs_hooks()) return out;
  bool deny4 = plan.restricts(AF_INET) && plan.ip4_addrs.empty();
  bool deny6 = plan.restricts(AF_INET6) && plan.ip6_addrs.empty();
  if (deny4 || deny6)
    out.push_back({"sock_create", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE,
                   create_prog(deny4, deny6, with_retval)});
  struct Fam {
    int family;
    const std::vector<JailAddr>* addrs;
    bpf_attach_type bind, connect, sendmsg;
    const char* tag;
  };
  for (const Fam& f : {Fam{AF_INET, &plan.ip4_addrs, BPF_CGROUP_INET4_BIND, BPF_CGROUP_INET4_CONNECT,
                           BPF_CGROUP_UDP4_SENDMSG, "4"},
                       Fam{AF_INET6, &plan.ip6_addrs, BPF_CGROUP_INET6_BIND, BPF_CGROUP_INET6_CONNECT,
                           BPF_CGROUP_UDP6_SENDMSG, "6"}}) {
    if (!plan.restricts(f.family) || f.addrs->empty()) continue;
    IpAddr lo = special(f.family, f.family == AF_INET ? "127.0.0.1" : "::1");
    auto gen = [&] {
      return Gen{{}, f.family, *f.addrs, with_retval, !has(*f.addrs, lo), !plan.restricts(AF_INET)};
    };
    Gen b = gen(), c = gen(), s = gen();
    out.push_back({std::string("bind") + f.tag, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, f.bind, bind_prog(b)});
    bool saddrsel = f.family == AF_INET ? plan.ip4_saddrsel : plan.ip6_saddrsel;
    out.push_back({std::string("connect") + f.tag, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, f.connect, connect_prog(c, saddrsel)});
    out.push_back({std::string("sendmsg") + f.tag, BPF_PROG_TYPE_CGROUP_SOCK_ADDR, f.sendmsg, sendmsg_prog(s)});
  }
  return out;
}

}  // namespace jails::net
