// A classic-BPF interpreter for seccomp programs, so tests can ask the exported filter
// what it answers for a syscall and arguments without making the call (some calls, such
// as madvise(MADV_HWPOISON) or FIFREEZE, must never actually run in a test).
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <vector>

namespace jails::test {

// The SECCOMP_RET_* value the program returns for `data` (e.g. SECCOMP_RET_ERRNO | EPERM).
uint32_t bpf_run(const std::vector<sock_filter>& prog, const seccomp_data& data);

// How many instructions the program executes for `data` (the cost of one syscall).
int bpf_steps(const std::vector<sock_filter>& prog, const seccomp_data& data);

// Builds seccomp_data for the native architecture: seccomp_call(nr, {a0, a1, ...}).
seccomp_data seccomp_call(int nr, std::initializer_list<uint64_t> args = {});

// "allow", "EPERM", "ENOSYS", "kill", ... for a SECCOMP_RET_* value.
const char* verdict_name(uint32_t ret);

}  // namespace jails::test
