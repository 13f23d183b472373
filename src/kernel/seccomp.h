// The jail's seccomp filter: what root in the jail may not do even with the capabilities
// it keeps (see docs/confinement.md for the argument).
//
// The policy is data (SeccompPolicy), compiled by libseccomp in the parent and exported as
// classic BPF, so the child only installs an array: no allocation, no libseccomp calls
// between clone() and execve().
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <vector>

#include "base/error.h"

namespace jails::kernel {

// true = the jail may; each field is the Linux side of one FreeBSD allow.* / sysv* knob.
struct SeccompPolicy {
  bool mount = false;          // allow.mount (+ a type): mount(2), umount2(2)
  bool set_hostname = true;    // allow.set_hostname: sethostname(2), setdomainname(2)
  bool settime = false;        // allow.settime: settimeofday(2), clock_settime(2)
  bool read_msgbuf = false;    // allow.read_msgbuf: syslog(2)
  bool socket_af = false;      // allow.socket_af: families beyond UNIX, INET, INET6, NETLINK
  bool proc_debug = true;      // allow.unprivileged_proc_debug: ptrace(2), process_vm_*(2)
  bool sysvmsg = true, sysvsem = true, sysvshm = true;  // false: sysv* = disable
};

// Compiles the policy for the native architecture. Other ABIs (i386, x32) are refused:
// the kernel kills a process that makes a syscall through them (libseccomp's bad-arch
// action), so the filter cannot be bypassed through int 0x80.
Result<std::vector<sock_filter>> build_seccomp_filter(const SeccompPolicy& policy);

// seccomp(SECCOMP_SET_MODE_FILTER) without NO_NEW_PRIVS: the caller still holds
// CAP_SYS_ADMIN, and setuid programs inside the jail must keep working. For the child.
int install_seccomp_filter(const sock_filter* prog, size_t len, const char** failed_step) noexcept;

}  // namespace jails::kernel
