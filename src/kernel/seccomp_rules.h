// The jail's seccomp policy as a table: one row per refused call (and argument pattern),
// each with the errno the jail sees. The default action is "allow"; the filter is a
// denylist on top of the capability drop (see docs/confinement.md for why each row is
// there and what remains).
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <vector>

#include "kernel/seccomp.h"

namespace jails::kernel {

struct SyscallRule {
  const char* name;  // syscall name as libseccomp knows it
  int err;           // what the jail sees: EPERM, or ENOSYS where FreeBSD says so
  unsigned arg = 0;  // with op != 0: the argument compared
  scmp_compare op = static_cast<scmp_compare>(0);  // 0: every call of this syscall
  uint64_t a = 0, b = 0;  // operands of op (MASKED_EQ: mask, value)
};

// The rows for a policy, in a stable order (tests and docs read them).
std::vector<SyscallRule> seccomp_rules(const SeccompPolicy& policy);

}  // namespace jails::kernel
