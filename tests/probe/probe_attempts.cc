// The attempts of jail-probe: each does one privileged thing in the most harmless form
// that still reaches the kernel's permission check, undoes it when it worked, and reports
// ok or the errno name. Attempts that would change the probe itself for later attempts
// (namespaces) run in a forked child.
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/fs.h>
#include <linux/keyctl.h>
#include <linux/perf_event.h>
#include <sched.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <linux/vm_sockets.h>
#include <sys/timex.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probe.h"

namespace {

// Runs fn in a child and reports its result: for attempts that change the process.
long in_child(long (*fn)()) {
  pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) _exit(fn() < 0 ? errno : 0);
  int st = 0;
  if (waitpid(pid, &st, 0) < 0) return -1;
  if (!WIFEXITED(st)) return errno = EINTR, -1;
  if (WEXITSTATUS(st) == 0) return 0;
  errno = WEXITSTATUS(st);
  return -1;
}

long close_if(long fd) {
  if (fd >= 0) close(static_cast<int>(fd));
  return fd;
}

long mount_tmpfs(const char*) {
  char dir[] = "/tmp/probe-mnt.XXXXXX";
  if (!mkdtemp(dir)) return -1;
  long rc = mount("probe", dir, "tmpfs", 0, "size=4k");
  int saved = errno;
  if (rc == 0) umount2(dir, MNT_DETACH);
  rmdir(dir);
  errno = saved;
  return rc;
}

long settime(const char*) { return syscall(SYS_settimeofday, nullptr, nullptr); }

// adjtimex(ADJ_TICK) with the current tick: a change request that changes nothing.
long adjtime(const char*) {
  struct timex tx = {};
  if (adjtimex(&tx) < 0) return -1;
  long tick = tx.tick;
  tx = {};
  tx.modes = ADJ_TICK;
  tx.tick = tick;
  return adjtimex(&tx);
}

long mknod_dev(const char*) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/probe-node.%d", getpid());
  long rc = mknod(path, S_IFCHR | 0600, makedev(1, 3));
  int saved = errno;
  if (rc == 0) unlink(path);
  errno = saved;
  return rc;
}

long open_read(const char* path) { return close_if(open(path ? path : "/proc/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC)); }
long open_write(const char* path) { return close_if(open(path, O_WRONLY | O_CLOEXEC)); }
long write_proc_sys(const char* arg) { return open_write(arg ? arg : "/proc/sys/kernel/core_pattern"); }
long write_sys(const char* arg) { return open_write(arg ? arg : "/sys/kernel/profiling"); }
long set_hostname(const char* arg) { return sethostname(arg ? arg : "probe", strlen(arg ? arg : "probe")); }
long kill_pid(const char* arg) { return kill(arg ? atoi(arg) : 1, 0); }

long ptrace_pid(const char* arg) {
  pid_t pid = arg ? atoi(arg) : 1;
  long rc = ptrace(PTRACE_SEIZE, pid, nullptr, nullptr);
  if (rc == 0) ptrace(PTRACE_DETACH, pid, nullptr, nullptr);
  return rc;
}

// ptrace of a child of our own: what allow.unprivileged_proc_debug governs.
long ptrace_child(const char*) {
  pid_t child = fork();
  if (child < 0) return -1;
  if (child == 0) {
    pause();
    _exit(0);
  }
  long rc = ptrace(PTRACE_SEIZE, child, nullptr, nullptr);
  int saved = errno;
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  errno = saved;
  return rc;
}

long keyctl(const char*) { return syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0); }

long bpf_map(const char*) {
  union bpf_attr attr = {};
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  return close_if(syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof attr));
}

long perf_open(const char*) {
  struct perf_event_attr a = {};
  a.size = sizeof a;
  a.type = PERF_TYPE_SOFTWARE;
  a.config = PERF_COUNT_SW_TASK_CLOCK;
  a.disabled = 1;
  a.exclude_kernel = 1;
  a.exclude_hv = 1;
  return close_if(syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

long setrlimit_raise(const char*) {
  struct rlimit r;
  if (getrlimit(RLIMIT_NOFILE, &r) < 0) return -1;
  r.rlim_max += 1;
  return setrlimit(RLIMIT_NOFILE, &r);
}

// Linux: the capability check comes before the fd is looked at: EPERM, else EBADF.
long module_load(const char*) { return syscall(SYS_finit_module, -1, "", 0); }
// Linux: CAP_SYS_BOOT is checked before the magic numbers: EPERM, else EINVAL.
long reboot_bad_magic(const char*) { return syscall(SYS_reboot, 0, 0, 0, nullptr); }
// Linux: CAP_SYS_BOOT first, then the flags: EPERM, else EINVAL.
long kexec(const char*) { return syscall(SYS_kexec_load, 0, 0, nullptr, 0xdead0000UL); }
long swapon_missing(const char*) { return syscall(SYS_swapon, "/nonexistent-probe-swap", 0); }

long sysv_msg(const char*) {
  int id = msgget(IPC_PRIVATE, IPC_CREAT | 0600);
  if (id >= 0) msgctl(id, IPC_RMID, nullptr);
  return id;
}
long sysv_sem(const char*) {
  int id = semget(IPC_PRIVATE, 1, IPC_CREAT | 0600);
  if (id >= 0) semctl(id, 0, IPC_RMID);
  return id;
}
long sysv_shm(const char*) {
  int id = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
  if (id >= 0) shmctl(id, IPC_RMID, nullptr);
  return id;
}

long bind_low_port(const char* arg) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a = {};
  a.sin_family = AF_INET;
  a.sin_port = htons(arg ? atoi(arg) : 999);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  long rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  int saved = errno;
  close(fd);
  errno = saved;
  return rc;
}

long sock(int domain, int type, int proto) { return close_if(socket(domain, type | SOCK_CLOEXEC, proto)); }
long raw_socket(const char*) { return sock(AF_INET, SOCK_RAW, IPPROTO_ICMP); }
long packet_socket(const char*) { return sock(AF_PACKET, SOCK_RAW, 0); }
long vsock_socket(const char*) { return sock(AF_VSOCK, SOCK_STREAM, 0); }
long unix_socket(const char*) { return sock(AF_UNIX, SOCK_STREAM, 0); }

// chattr +i on a file of our own, then -i.
long chflags(const char*) {
  char path[64];
  snprintf(path, sizeof path, "/tmp/probe-flags.%d", getpid());
  int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return -1;
  int flags = 0;
  long rc = ioctl(fd, FS_IOC_GETFLAGS, &flags);
  if (rc == 0) {
    int on = flags | FS_IMMUTABLE_FL;
    rc = ioctl(fd, FS_IOC_SETFLAGS, &on);
    if (rc == 0) ioctl(fd, FS_IOC_SETFLAGS, &flags);
  }
  int saved = errno;
  close(fd);
  unlink(path);
  errno = saved;
  return rc;
}

// With RLIMIT_MEMLOCK at 0, only CAP_IPC_LOCK lets mlock(2) through.
long mlock_page(const char*) {
  static char page[4096] __attribute__((aligned(4096)));
  struct rlimit r;
  if (getrlimit(RLIMIT_MEMLOCK, &r) < 0) return -1;
  struct rlimit zero = {0, r.rlim_max};
  if (setrlimit(RLIMIT_MEMLOCK, &zero) < 0) return -1;
  long rc = mlock(page, sizeof page);
  int saved = errno;
  if (rc == 0) munlock(page, sizeof page);
  setrlimit(RLIMIT_MEMLOCK, &r);
  errno = saved;
  return rc;
}

// SYSLOG_ACTION_SIZE_UNREAD: always privileged, reads a number, consumes nothing.
long syslog_read(const char*) { return klogctl(9, nullptr, 0); }

long open_dev(const char* arg) {
  char path[256];
  snprintf(path, sizeof path, "/dev/%s", arg ? arg : "null");
  return close_if(open(path, O_RDWR | O_NOCTTY | O_CLOEXEC));
}

// A pty from the jail's own devpts, and TIOCSTI into it (a pty of our own: harmless).
int open_pty(int* slave) {
  int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (m < 0) return -1;
  if (grantpt(m) < 0 || unlockpt(m) < 0) return close(m), -1;
  const char* name = ptsname(m);
  *slave = name ? open(name, O_RDWR | O_NOCTTY | O_CLOEXEC) : -1;
  if (*slave < 0) return close(m), -1;
  return m;
}
long pty(const char*) {
  int s = -1, m = open_pty(&s);
  if (m >= 0) close(s), close(m);
  return m;
}
long tiocsti(const char*) {
  int s = -1, m = open_pty(&s);
  if (m < 0) return -1;
  char c = 'x';
  long rc = ioctl(s, TIOCSTI, &c);
  int saved = errno;
  close(s), close(m);
  errno = saved;
  return rc;
}

long do_setns() { int fd = open("/proc/self/ns/uts", O_RDONLY); return fd < 0 ? -1 : setns(fd, 0); }
long do_unshare_net() { return unshare(CLONE_NEWNET); }
long do_unshare_user() { return unshare(CLONE_NEWUSER); }
long do_unshare_mnt() { return unshare(CLONE_NEWNS); }
long do_clone_newns() {
  long pid = syscall(SYS_clone, CLONE_NEWNS | SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) _exit(0);
  if (pid > 0) waitpid(pid, nullptr, 0);
  return pid;
}
long do_ioprio_rt() { return syscall(SYS_ioprio_set, 1, 0, (1 << 13) | 4); }

long setns_self(const char*) { return in_child(do_setns); }
long unshare_net(const char*) { return in_child(do_unshare_net); }
long unshare_user(const char*) { return in_child(do_unshare_user); }
long unshare_mnt(const char*) { return in_child(do_unshare_mnt); }
long clone_newns(const char*) { return in_child(do_clone_newns); }
long ioprio_rt(const char*) { return in_child(do_ioprio_rt); }
// The filter answers ENOSYS; the kernel itself would say EFAULT for a null argument.
long clone3(const char*) { return syscall(SYS_clone3, nullptr, 0); }
long io_uring(const char*) {
  char params[120] = {};
  return close_if(syscall(SYS_io_uring_setup, 1, params));
}
long userfaultfd(const char*) { return close_if(syscall(SYS_userfaultfd, O_CLOEXEC)); }
long open_by_handle(const char*) { return syscall(SYS_open_by_handle_at, AT_FDCWD, nullptr, 0); }

struct Attempt {
  const char* name;
  long (*fn)(const char*);
};

constexpr Attempt kAttempts[] = {
    {"mount_tmpfs", mount_tmpfs},   {"raw_socket", raw_socket},     {"packet_socket", packet_socket},
    {"vsock_socket", vsock_socket},     {"unix_socket", unix_socket},   {"settime", settime},
    {"adjtime", adjtime},           {"mknod", mknod_dev},           {"write_proc_sys", write_proc_sys},
    {"write_sys", write_sys},       {"sethostname", set_hostname},  {"kill_pid", kill_pid},
    {"ptrace_pid", ptrace_pid},     {"ptrace_child", ptrace_child}, {"keyctl", keyctl},
    {"bpf", bpf_map},               {"perf_event_open", perf_open}, {"setrlimit_raise", setrlimit_raise},
    {"module_load", module_load},   {"reboot", reboot_bad_magic},   {"kexec", kexec},
    {"swapon", swapon_missing},     {"msgget", sysv_msg},           {"semget", sysv_sem},
    {"shmget", sysv_shm},           {"bind_low_port", bind_low_port}, {"chflags", chflags},
    {"mlock", mlock_page},          {"syslog", syslog_read},        {"open_dev", open_dev},
    {"pty", pty},                   {"tiocsti", tiocsti},           {"setns", setns_self},
    {"unshare_net", unshare_net},   {"unshare_user", unshare_user}, {"unshare_mnt", unshare_mnt},
    {"clone_newns", clone_newns},   {"clone3", clone3},             {"io_uring", io_uring},
    {"open_read", open_read},       {"userfaultfd", userfaultfd},   {"open_by_handle", open_by_handle}, {"ioprio_rt", ioprio_rt},
};

}  // namespace

bool attempt(const char* what, const char* arg) {
  for (const Attempt& a : kAttempts) {
    if (strcmp(a.name, what) != 0) continue;
    errno = 0;
    report(what, a.fn(arg));
    return true;
  }
  return false;
}
