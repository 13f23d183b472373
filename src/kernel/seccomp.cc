#include "kernel/seccomp.h"

#include <fcntl.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

#include "base/unique_fd.h"
#include "kernel/seccomp_rules.h"

namespace jails::kernel {

namespace {

struct CtxDeleter {
  void operator()(scmp_filter_ctx c) const { seccomp_release(c); }
};
using Ctx = std::unique_ptr<void, CtxDeleter>;

// A rule names its syscall; one this libseccomp or architecture does not know is skipped
// (it cannot be called here either).
Result<void> add(scmp_filter_ctx ctx, const SyscallRule& r) {
  int nr = seccomp_syscall_resolve_name(r.name);
  if (nr == __NR_SCMP_ERROR) return {};
  scmp_arg_cmp cmp{r.arg, r.op, r.a, r.b};
  int rc = r.op == 0 ? seccomp_rule_add(ctx, SCMP_ACT_ERRNO(r.err), nr, 0)
                     : seccomp_rule_add(ctx, SCMP_ACT_ERRNO(r.err), nr, 1, cmp);
  if (rc < 0) return errno_fail(-rc, fmt::format("seccomp_rule_add({}, arg{})", r.name, r.arg));
  return {};
}

Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("jail-seccomp", MFD_CLOEXEC));
  if (!fd) return sys_fail("memfd_create(jail-seccomp)");
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc < 0) return errno_fail(-rc, "seccomp_export_bpf");
  off_t size = ::lseek(fd.get(), 0, SEEK_END);
  if (size < 0 || size % sizeof(sock_filter) != 0) return fail("seccomp_export_bpf: odd program size {}", size);
  std::vector<sock_filter> prog(size / sizeof(sock_filter));
  if (::pread(fd.get(), prog.data(), size, 0) != size) return sys_fail("pread(seccomp program)");
  return prog;
}

}  // namespace

Result<std::vector<sock_filter>> build_seccomp_filter(const SeccompPolicy& policy) {
  Ctx ctx(seccomp_init(SCMP_ACT_ALLOW));
  if (!ctx) return fail("seccomp_init: out of memory");
  // Linux: the filter is installed while root still has CAP_SYS_ADMIN, so no_new_privs
  // is not needed, and it must stay off: su and other setuid programs work in a jail.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0); rc < 0)
    return errno_fail(-rc, "seccomp_attr_set(CTL_NNP, 0)");
  // Every syscall of the jail runs through the filter: a binary tree on the syscall
  // number instead of a linear list.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_OPTIMIZE, 2); rc < 0)
    return errno_fail(-rc, "seccomp_attr_set(CTL_OPTIMIZE, 2)");
  for (const SyscallRule& r : seccomp_rules(policy)) TRY(add(ctx.get(), r));
  return export_bpf(ctx.get());
}

int install_seccomp_filter(const sock_filter* prog, size_t len, const char** failed_step) noexcept {
  sock_fprog fprog{static_cast<unsigned short>(len), const_cast<sock_filter*>(prog)};
  if (len == 0 || len > BPF_MAXINSNS) {
    *failed_step = "seccomp(SECCOMP_SET_MODE_FILTER): program size";
    return EINVAL;
  }
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &fprog) < 0) {
    *failed_step = "seccomp(SECCOMP_SET_MODE_FILTER)";
    return errno;
  }
  return 0;
}

}  // namespace jails::kernel
