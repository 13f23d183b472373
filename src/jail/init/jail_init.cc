// jail-init: the only process a jail owns, its pid 1. Static, tiny, no C++ runtime.
//
// A pid namespace dies with its pid 1, so a jail needs one to exist without other
// processes (`persist`). It reaps orphans, and for a jail that is not persistent it exits
// when the last other process of the jail is gone, which ends the jail just as FreeBSD
// removes a non-persistent jail when its last process exits.
//
//   jail-init EVENTS_FD PERSIST
//
// EVENTS_FD: cgroup.events of the jail's "procs" cgroup (cgroup2), or -1; it wakes us
// when the cgroup empties. The truth is kill(-1, 0): from pid 1 it reaches every other
// process of the namespace and fails with ESRCH only when there is none.
// Signals from jail(8): SIGUSR1 clears persist, SIGUSR2 sets it (jail -m persist).
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

bool others_alive() { return kill(-1, 0) == 0 || errno != ESRCH; }

void drop_privileges() {
  // pid 1 needs no privilege: nothing in the jail can use it to gain any.
  for (int cap = 0; cap <= 63; ++cap) prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
  struct {
    unsigned version;
    int pid;
  } hdr = {0x20080522 /* _LINUX_CAPABILITY_VERSION_3 */, 0};
  struct {
    unsigned effective, permitted, inheritable;
  } data[2] = {};
  syscall(125 /* SYS_capset on x86_64 */, &hdr, data);
  prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) return 2;
  int events_fd = atoi(argv[1]);
  bool persist = argv[2][0] == '1';

  sigset_t set;
  sigemptyset(&set);
  static const int kSignals[] = {SIGCHLD, SIGUSR1, SIGUSR2, SIGTERM, SIGINT, SIGHUP, SIGQUIT};
  for (int s : kSignals) sigaddset(&set, s);
  sigprocmask(SIG_BLOCK, &set, nullptr);
  int sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
  drop_privileges();

  for (;;) {
    struct pollfd fds[2] = {{sfd, POLLIN, 0}, {events_fd, POLLPRI, 0}};
    int nfds = events_fd >= 0 ? 2 : 1;
    // Without cgroup2 notifications, look again every second while not persistent.
    int timeout = (!persist && events_fd < 0) ? 1000 : -1;
    poll(fds, nfds, timeout);
    if (nfds == 2 && fds[1].revents) {
      // kernfs reports POLLPRI until the file is read again.
      char buf[256];
      pread(events_fd, buf, sizeof buf, 0);
    }
    struct signalfd_siginfo si;
    while (read(sfd, &si, sizeof si) == sizeof si) {
      if (si.ssi_signo == SIGUSR1) persist = false;
      if (si.ssi_signo == SIGUSR2) persist = true;
    }
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    if (!persist && !others_alive()) return 0;
  }
}
