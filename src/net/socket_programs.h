// The cgroup-BPF programs that confine a shared-stack jail to its addresses (pure:
// instructions generated from the plan; socket_hooks.cc loads and attaches them).
//
// FreeBSD semantics (prison_local_ip4/prison_remote_ip4 and their IPv6 twins):
//  - bind: the jail's own addresses pass; the wildcard and 127.0.0.1 / ::1 (unless the
//    jail has that address itself) become the primary address; anything else fails
//    with EADDRNOTAVAIL;
//  - connect: 127.0.0.1 / ::1 means the primary address; the socket is bound to the
//    primary address first (bpf_bind), so connections leave from it;
//  - sendmsg (unconnected UDP): the same loopback rule; the source is the primary
//    address unless the socket chose one of the jail's addresses;
//  - socket(): a family the jail may not use (ip4 = new without addresses, ip4 =
//    disable) fails with EAFNOSUPPORT.
#pragma once

#include <linux/bpf.h>

#include <string>
#include <vector>

namespace jails::net {

struct NetPlan;

struct HookProgram {
  std::string name;        // "bind4", for messages
  bpf_prog_type type;
  bpf_attach_type attach;  // also the expected_attach_type at load
  std::vector<bpf_insn> insns;
};

// with_retval: report FreeBSD's errno through bpf_set_retval (Linux 5.18+); without it
// a refused call fails with EPERM.
std::vector<HookProgram> socket_programs(const NetPlan& plan, bool with_retval);

}  // namespace jails::net
