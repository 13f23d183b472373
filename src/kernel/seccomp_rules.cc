#include "kernel/seccomp_rules.h"

#include <linux/fs.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/ioctl.h>

#include <cerrno>
#include <initializer_list>

namespace jails::kernel {

namespace {

using Rules = std::vector<SyscallRule>;

void deny(Rules& out, std::initializer_list<const char*> names, int err = EPERM) {
  for (const char* n : names) out.push_back({n, err});
}

// Linux: an int argument arrives in a 64-bit register whose upper half the kernel ignores
// but seccomp sees, so int arguments are compared through a 32-bit mask.
void deny_int(Rules& out, const char* name, unsigned arg, uint64_t value, int err = EPERM) {
  out.push_back({name, err, arg, SCMP_CMP_MASKED_EQ, 0xffffffffu, value});
}

void deny_bits(Rules& out, const char* name, unsigned arg, uint64_t bits) {
  out.push_back({name, EPERM, arg, SCMP_CMP_MASKED_EQ, bits, bits});
}

// FreeBSD: mount(2) only with allow.mount and enforce_statfs < 2. Linux's new mount API
// says ENOSYS so that mount(8) falls back to mount(2), the one place the policy is decided;
// pivot_root has no FreeBSD counterpart inside a jail.
void mount_rules(const SeccompPolicy& p, Rules& out) {
  if (!p.mount) deny(out, {"mount", "umount2"});
  deny(out, {"fsopen", "fsconfig", "fsmount", "fspick", "move_mount", "open_tree", "open_tree_attr",
             "mount_setattr"},
       ENOSYS);
  deny(out, {"pivot_root", "swapon", "swapoff", "quotactl", "quotactl_fd"});
}

// FreeBSD: a jail cannot make child jails unless children.max > 0 (not here yet), nor
// enter another jail. clone3 passes its flags in memory seccomp cannot read: ENOSYS makes
// glibc fall back to clone(2), whose flags are in a register.
void namespace_rules(Rules& out) {
  constexpr uint64_t clone_ns[] = {CLONE_NEWNS,   CLONE_NEWUTS, CLONE_NEWIPC,   CLONE_NEWUSER,
                                   CLONE_NEWPID,  CLONE_NEWNET, CLONE_NEWCGROUP};
  for (uint64_t f : clone_ns) {
    deny_bits(out, "clone", 0, f);
    deny_bits(out, "unshare", 0, f);
  }
  deny_bits(out, "unshare", 0, 0x80);  // CLONE_NEWTIME (for clone(2) these bits are CSIGNAL)
  deny(out, {"setns"});
  deny(out, {"clone3"}, ENOSYS);
}

// What CAP_SYS_ADMIN (kept for sethostname) or a hole in a dropped capability would give:
// the host kernel's modules, boot, keyrings, BPF, perf, accounting and port I/O. io_uring
// runs file and socket operations that never pass through this filter.
void kernel_rules(Rules& out) {
  deny(out, {"init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
             "acct", "iopl", "ioperm", "bpf", "perf_event_open", "keyctl", "add_key", "request_key",
             "open_by_handle_at", "fanotify_init", "userfaultfd", "io_uring_setup", "io_uring_enter",
             "io_uring_register", "lookup_dcookie", "uselib"});
  // madvise(MADV_HWPOISON / MADV_SOFT_OFFLINE) takes host memory pages out of service.
  deny_int(out, "madvise", 2, 100);  // MADV_HWPOISON
  deny_int(out, "madvise", 2, 101);  // MADV_SOFT_OFFLINE
  // ioprio_set(IOPRIO_CLASS_RT): real-time I/O class, CAP_SYS_ADMIN's.
  out.push_back({"ioprio_set", EPERM, 2, SCMP_CMP_MASKED_EQ, 0xe000, 0x2000});
}

// ioctls that check CAP_SYS_ADMIN and act on the whole (host) filesystem or terminal.
// Compared on type and number (the low 16 bits), so size and direction variants match.
void ioctl_rules(Rules& out) {
  auto cmd = [&](unsigned type, unsigned nr) {
    out.push_back({"ioctl", EPERM, 1, SCMP_CMP_MASKED_EQ, 0xffff, (type << 8) | nr});
  };
  // FIFREEZE, FITHAW, FITRIM, FS_IOC_SHUTDOWN (ext4/xfs), XFS handles and growfs.
  for (unsigned nr : {104u, 105u, 106u, 107u, 108u, 110u, 111u, 112u, 114u, 116u, 117u, 119u, 120u,
                      121u, 122u, 123u, 125u})
    cmd('X', nr);
  // btrfs: resize, devices, balance, subvolume delete, default subvolume, tree search,
  // scrub, send, quotas, label, replace, features.
  for (unsigned nr : {3u, 4u, 10u, 11u, 12u, 15u, 17u, 19u, 27u, 28u, 32u, 33u, 35u, 36u, 38u, 40u,
                      41u, 42u, 43u, 44u, 50u, 53u, 57u, 58u, 63u})
    cmd(0x94, nr);
  cmd('f', 17);  // EXT4_IOC_SWAP_BOOT
  cmd('f', 43);  // EXT4_IOC_CHECKPOINT
  cmd('f', 45);  // EXT4_IOC_SETFSUUID
  cmd('T', TIOCSTI & 0xff);   // type into another terminal
  cmd('T', TIOCCONS & 0xff);  // redirect the host console
  cmd('T', TIOCLINUX & 0xff); // paste into a host VT (jexec from a console)
}

// FreeBSD: sockets of families other than these need allow.socket_af. Upper 32 bits set
// make the value >= 17, so the range rule also catches a disguised family.
void socket_rules(Rules& out) {
  deny_int(out, "socket", 0, AF_UNSPEC);
  for (uint64_t af = 3; af <= 15; ++af)
    if (af != AF_INET6) deny_int(out, "socket", 0, af);
  out.push_back({"socket", EPERM, 0, SCMP_CMP_GE, AF_NETLINK + 1, 0});
}

// FreeBSD: with sysvmsg/sysvsem/sysvshm = disable the calls return ENOSYS
// (sys/kern/sysv_msg.c: msg_find_prison() == NULL -> ENOSYS).
void sysv_rules(const SeccompPolicy& p, Rules& out) {
  if (!p.sysvmsg) deny(out, {"msgget", "msgsnd", "msgrcv", "msgctl"}, ENOSYS);
  if (!p.sysvsem) deny(out, {"semget", "semop", "semtimedop", "semctl"}, ENOSYS);
  if (!p.sysvshm) deny(out, {"shmget", "shmat", "shmdt", "shmctl"}, ENOSYS);
}

}  // namespace

std::vector<SyscallRule> seccomp_rules(const SeccompPolicy& p) {
  Rules out;
  mount_rules(p, out);
  namespace_rules(out);
  kernel_rules(out);
  ioctl_rules(out);
  if (!p.set_hostname) deny(out, {"sethostname", "setdomainname"});
  // FreeBSD: allow.settime sets the clock; allow.adjtime (adjtimex, clock_adjtime) is
  // left to CAP_SYS_TIME, which the kernel checks only for a change, not a read.
  if (!p.settime) deny(out, {"settimeofday", "clock_settime"});
  // Linux: syslog(2) also accepts CAP_SYS_ADMIN, which the jail may keep.
  if (!p.read_msgbuf) deny(out, {"syslog"});
  if (!p.socket_af) socket_rules(out);
  // Linux: seccomp cannot tell root from other users, so with the switch off nobody in
  // the jail may debug (FreeBSD still lets the jail's root).
  if (!p.proc_debug) deny(out, {"ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd"});
  sysv_rules(p, out);
  return out;
}

}  // namespace jails::kernel
