// The exported seccomp program, run in a BPF interpreter: what each syscall and argument
// pattern gets under the default jail and under each allow.* that re-opens it. Calls that
// must never run for real in a test (FIFREEZE, MADV_HWPOISON) are checked only here.
#include <gtest/gtest.h>
#include <linux/audit.h>
#include <linux/fs.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "bpf_eval.h"
#include "kernel/confine.h"

namespace jails::kernel {
namespace {

using test::bpf_run;
using test::seccomp_call;
using test::verdict_name;

struct Call {
  const char* what;
  int nr;
  std::vector<uint64_t> args;
  const char* expect;  // "allow", "EPERM", "ENOSYS", "kill"
};

std::string verdict(const ConfinePlan& plan, const Call& c) {
  seccomp_data d = seccomp_call(c.nr);
  for (size_t i = 0; i < c.args.size(); ++i) d.args[i] = c.args[i];
  return verdict_name(bpf_run(plan.filter, d));
}

ConfinePlan plan_for(ConfineOptions o) {
  auto p = plan_confinement(o);
  EXPECT_TRUE(p) << p.error().what();
  return p ? std::move(*p) : ConfinePlan{};
}

void expect_all(const ConfinePlan& plan, const std::vector<Call>& calls) {
  for (const auto& c : calls) EXPECT_EQ(verdict(plan, c), c.expect) << c.what;
}

constexpr uint64_t kHigh = uint64_t{1} << 32;  // garbage in the upper half of an int register

TEST(ConfineFilter, DefaultJail) {
  auto plan = plan_for({});
  expect_all(plan, {
      {"getpid", SYS_getpid, {}, "allow"},
      {"mount", SYS_mount, {}, "EPERM"},
      {"umount2", SYS_umount2, {}, "EPERM"},
      {"fsopen", SYS_fsopen, {}, "ENOSYS"},
      {"open_tree", SYS_open_tree, {}, "ENOSYS"},
      {"pivot_root", SYS_pivot_root, {}, "EPERM"},
      {"fork-like clone", SYS_clone, {SIGCHLD}, "allow"},
      {"thread clone", SYS_clone, {CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD}, "allow"},
      {"clone NEWNET", SYS_clone, {CLONE_NEWNET | SIGCHLD}, "EPERM"},
      {"clone NEWUSER", SYS_clone, {CLONE_NEWUSER}, "EPERM"},
      {"clone3", SYS_clone3, {}, "ENOSYS"},
      {"unshare FILES", SYS_unshare, {CLONE_FILES}, "allow"},
      {"unshare NEWNS", SYS_unshare, {CLONE_NEWNS}, "EPERM"},
      {"unshare NEWTIME", SYS_unshare, {0x80}, "EPERM"},
      {"setns", SYS_setns, {}, "EPERM"},
      {"sethostname", SYS_sethostname, {}, "allow"},
      {"settimeofday", SYS_settimeofday, {}, "EPERM"},
      {"clock_settime", SYS_clock_settime, {}, "EPERM"},
      {"adjtimex (left to CAP_SYS_TIME)", SYS_adjtimex, {}, "allow"},
      {"syslog", SYS_syslog, {}, "EPERM"},
      {"ptrace", SYS_ptrace, {}, "allow"},
      {"init_module", SYS_init_module, {}, "EPERM"},
      {"finit_module", SYS_finit_module, {}, "EPERM"},
      {"kexec_load", SYS_kexec_load, {}, "EPERM"},
      {"reboot", SYS_reboot, {}, "EPERM"},
      {"bpf", SYS_bpf, {}, "EPERM"},
      {"perf_event_open", SYS_perf_event_open, {}, "EPERM"},
      {"keyctl", SYS_keyctl, {}, "EPERM"},
      {"add_key", SYS_add_key, {}, "EPERM"},
      {"open_by_handle_at", SYS_open_by_handle_at, {}, "EPERM"},
      {"name_to_handle_at", SYS_name_to_handle_at, {}, "allow"},
      {"io_uring_setup", SYS_io_uring_setup, {}, "EPERM"},
      {"userfaultfd", SYS_userfaultfd, {}, "EPERM"},
      {"iopl", SYS_iopl, {}, "EPERM"},
      {"swapon", SYS_swapon, {}, "EPERM"},
      {"quotactl", SYS_quotactl, {}, "EPERM"},
      {"acct", SYS_acct, {}, "EPERM"},
      {"fanotify_init", SYS_fanotify_init, {}, "EPERM"},
  });
}

TEST(ConfineFilter, ArgumentPatterns) {
  auto plan = plan_for({});
  expect_all(plan, {
      {"madvise DONTNEED", SYS_madvise, {0, 4096, 4}, "allow"},
      {"madvise HWPOISON", SYS_madvise, {0, 4096, 100}, "EPERM"},
      {"madvise HWPOISON, high bits", SYS_madvise, {0, 4096, 100 | kHigh}, "EPERM"},
      {"madvise SOFT_OFFLINE", SYS_madvise, {0, 4096, 101}, "EPERM"},
      {"ioctl FIFREEZE", SYS_ioctl, {3, FIFREEZE}, "EPERM"},
      {"ioctl FIFREEZE sign-extended", SYS_ioctl, {3, 0xffffffff00000000ULL | FIFREEZE}, "EPERM"},
      {"ioctl FITRIM", SYS_ioctl, {3, FITRIM}, "EPERM"},
      {"ioctl FS_IOC_SETFSLABEL", SYS_ioctl, {3, FS_IOC_SETFSLABEL}, "EPERM"},
      {"ioctl FICLONE", SYS_ioctl, {3, FICLONE}, "allow"},
      {"ioctl FS_IOC_GETFLAGS", SYS_ioctl, {3, FS_IOC_GETFLAGS}, "allow"},
      {"ioctl TCGETS", SYS_ioctl, {0, TCGETS}, "allow"},
      {"ioctl TIOCSTI", SYS_ioctl, {0, TIOCSTI}, "EPERM"},
      {"ioctl TIOCCONS", SYS_ioctl, {0, TIOCCONS}, "EPERM"},
      {"ioctl TIOCLINUX", SYS_ioctl, {0, TIOCLINUX}, "EPERM"},
      {"ioctl TIOCGWINSZ", SYS_ioctl, {0, TIOCGWINSZ}, "allow"},
      {"ioprio_set RT", SYS_ioprio_set, {1, 0, (1 << 13) | 4}, "EPERM"},
      {"ioprio_set BE", SYS_ioprio_set, {1, 0, (2 << 13) | 4}, "allow"},
      {"socket INET", SYS_socket, {AF_INET}, "allow"},
      {"socket INET6", SYS_socket, {AF_INET6}, "allow"},
      {"socket UNIX", SYS_socket, {AF_UNIX}, "allow"},
      {"socket NETLINK", SYS_socket, {AF_NETLINK}, "allow"},
      {"socket UNSPEC", SYS_socket, {AF_UNSPEC}, "EPERM"},
      {"socket AX25", SYS_socket, {AF_AX25}, "EPERM"},
      {"socket KEY", SYS_socket, {AF_KEY}, "EPERM"},
      {"socket PACKET", SYS_socket, {AF_PACKET}, "EPERM"},
      {"socket ALG", SYS_socket, {AF_ALG}, "EPERM"},
      {"socket VSOCK", SYS_socket, {AF_VSOCK}, "EPERM"},
      {"socket PACKET disguised", SYS_socket, {AF_PACKET | kHigh}, "EPERM"},
      {"msgget", SYS_msgget, {}, "ENOSYS"},
      {"semop", SYS_semop, {}, "ENOSYS"},
      {"shmat", SYS_shmat, {}, "ENOSYS"},
  });
}

// Every syscall runs the filter: the common ones must take a short path.
TEST(ConfineFilter, CommonCallsTakeAShortPath) {
  auto plan = plan_for({});
  EXPECT_LT(plan.filter.size(), 1000u);
  for (int nr : {SYS_read, SYS_write, SYS_openat, SYS_close, SYS_mmap, SYS_futex})
    EXPECT_LT(test::bpf_steps(plan.filter, seccomp_call(nr)), 40) << nr;
}

TEST(ConfineFilter, OtherArchitecturesAreKilled) {
  auto plan = plan_for({});
  seccomp_data d = seccomp_call(SYS_getpid);
  d.arch = AUDIT_ARCH_I386;
  EXPECT_STREQ(verdict_name(bpf_run(plan.filter, d)), "kill");
  d = seccomp_call(SYS_getpid | 0x40000000);  // x32
  EXPECT_STRNE(verdict_name(bpf_run(plan.filter, d)), "allow");
}

struct Reopen {
  const char* name;
  ConfineOptions options;
  std::vector<Call> calls;
};

ConfineOptions allow(std::initializer_list<std::pair<const std::string, bool>> a, int statfs = 2) {
  ConfineOptions o;
  o.allow = a;
  o.enforce_statfs = statfs;
  return o;
}

TEST(ConfineFilter, EachSwitchReopensExactlyItsCalls) {
  ConfineOptions sysv;
  sysv.sysvmsg_disabled = false;
  std::vector<Reopen> cases = {
      {"mount", allow({{"allow.mount", true}, {"allow.mount.tmpfs", true}}, 1),
       {{"mount", SYS_mount, {}, "allow"}, {"umount2", SYS_umount2, {}, "allow"},
        {"fsopen", SYS_fsopen, {}, "ENOSYS"}, {"pivot_root", SYS_pivot_root, {}, "EPERM"}}},
      {"mount, enforce_statfs 2", allow({{"allow.mount", true}, {"allow.mount.tmpfs", true}}),
       {{"mount", SYS_mount, {}, "EPERM"}}},
      {"set_hostname off", allow({{"allow.set_hostname", false}}),
       {{"sethostname", SYS_sethostname, {}, "EPERM"}, {"setdomainname", SYS_setdomainname, {}, "EPERM"}}},
      {"settime", allow({{"allow.settime", true}}),
       {{"settimeofday", SYS_settimeofday, {}, "allow"}, {"clock_settime", SYS_clock_settime, {}, "allow"}}},
      {"adjtime", allow({{"allow.adjtime", true}}),
       {{"settimeofday", SYS_settimeofday, {}, "EPERM"}, {"adjtimex", SYS_adjtimex, {}, "allow"}}},
      {"read_msgbuf", allow({{"allow.read_msgbuf", true}}), {{"syslog", SYS_syslog, {}, "allow"}}},
      {"socket_af", allow({{"allow.socket_af", true}}),
       {{"socket ALG", SYS_socket, {AF_ALG}, "allow"}, {"socket PACKET", SYS_socket, {AF_PACKET}, "allow"}}},
      {"proc_debug off", allow({{"allow.unprivileged_proc_debug", false}}),
       {{"ptrace", SYS_ptrace, {}, "EPERM"}, {"process_vm_readv", SYS_process_vm_readv, {}, "EPERM"}}},
      {"sysvipc", allow({{"allow.sysvipc", true}}),
       {{"msgget", SYS_msgget, {}, "allow"}, {"semget", SYS_semget, {}, "allow"}, {"shmget", SYS_shmget, {}, "allow"}}},
      {"sysvmsg new", sysv, {{"msgget", SYS_msgget, {}, "allow"}, {"semget", SYS_semget, {}, "ENOSYS"}}},
  };
  auto base = plan_for({});
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto plan = plan_for(c.options);
    expect_all(plan, c.calls);
    // Nothing else moves: the rest of the default verdicts hold.
    for (int nr : {SYS_bpf, SYS_keyctl, SYS_init_module, SYS_setns, SYS_reboot, SYS_io_uring_setup})
      EXPECT_EQ(verdict(plan, {"", nr, {}, ""}), verdict(base, {"", nr, {}, ""})) << nr;
  }
}

}  // namespace
}  // namespace jails::kernel
