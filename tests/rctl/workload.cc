// What the end-to-end tests run inside real jails (path=/ shares this binary):
//   rctl_workload hog MB FILE        touch MB MiB, writing the MiB count to FILE as it goes
//   rctl_workload forkbomb FILE      fork until fork fails; write the count to FILE
//   rctl_workload busy SECS FILE     spin SECS seconds; write "cpu_seconds wall_seconds"
//   rctl_workload hold MB N          touch MB MiB, start N sleeping children, sleep
//   rctl_workload ulimit FILE        write RLIMIT_NOFILE "soft hard" to FILE
//   rctl_workload syscalls N FILE    N x (getppid + 1-byte write to /dev/null); CPU ms to FILE
//   rctl_workload cpu N FILE         N xorshift rounds; CPU ms to FILE
//   rctl_workload shm FILE           create SysV segments until shmget fails; count to FILE
#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/resource.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

void put(const char* file, const std::string& text) {
  // Rewritten whole each time, so a killed writer leaves the last complete value.
  std::string tmp = std::string(file) + ".tmp";
  if (FILE* f = std::fopen(tmp.c_str(), "w")) {
    std::fputs(text.c_str(), f);
    std::fclose(f);
    std::rename(tmp.c_str(), file);
  }
}

int hog(int mb, const char* file) {
  for (int i = 1; i <= mb; ++i) {
    char* p = static_cast<char*>(std::malloc(1 << 20));
    if (!p) return 3;
    std::memset(p, 1, 1 << 20);
    if (i % 4 == 0 || i == mb) put(file, std::to_string(i));
  }
  put(file, "done");
  return 0;
}

int forkbomb(const char* file) {
  std::vector<pid_t> kids;
  for (int i = 0; i < 500; ++i) {
    pid_t p = ::fork();
    if (p < 0) break;
    if (p == 0) {
      ::pause();
      ::_exit(0);
    }
    kids.push_back(p);
  }
  put(file, std::to_string(kids.size()));
  for (pid_t p : kids) ::kill(p, SIGKILL);
  for (pid_t p : kids) ::waitpid(p, nullptr, 0);
  return 0;
}

int busy(double secs, const char* file) {
  using Clock = std::chrono::steady_clock;
  auto t0 = Clock::now();
  uint64_t n = 0;
  while (std::chrono::duration<double>(Clock::now() - t0).count() < secs) n = n + 1;
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  put(file, std::to_string(cpu) + " " + std::to_string(wall));
  return static_cast<int>(n & 0);
}

double cpu_ms() {
  struct rusage ru;
  ::getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

int syscalls(long n, const char* file) {
  int fd = ::open("/dev/null", O_WRONLY);
  double t0 = cpu_ms();
  for (long i = 0; i < n; ++i) {
    ::syscall(SYS_getppid);
    (void)::write(fd, "x", 1);
  }
  put(file, std::to_string(cpu_ms() - t0));
  return 0;
}

int cpu(long n, const char* file) {
  double t0 = cpu_ms();
  uint64_t x = 88172645463325252ULL;
  for (long i = 0; i < n; ++i) x ^= x << 13, x ^= x >> 7, x ^= x << 17;
  // The result goes out with the time, so the compiler cannot drop the loop.
  put(file, std::to_string(cpu_ms() - t0) + " " + std::to_string(x));
  return 0;
}

int shm(const char* file) {
  std::vector<int> ids;
  for (int i = 0; i < 50; ++i) {
    int id = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (id < 0) break;
    ids.push_back(id);
  }
  put(file, std::to_string(ids.size()));
  for (int id : ids) ::shmctl(id, IPC_RMID, nullptr);
  return 0;
}

int hold(int mb, int children) {
  for (int i = 0; i < children; ++i)
    if (::fork() == 0) {
      for (;;) ::pause();
    }
  for (int i = 0; i < mb; ++i) std::memset(std::malloc(1 << 20), 1, 1 << 20);
  for (;;) ::pause();
}

}  // namespace

int main(int argc, char** argv) {
  std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "hog" && argc == 4) return hog(std::atoi(argv[2]), argv[3]);
  if (mode == "forkbomb" && argc == 3) return forkbomb(argv[2]);
  if (mode == "busy" && argc == 4) return busy(std::atof(argv[2]), argv[3]);
  if (mode == "hold" && argc == 4) return hold(std::atoi(argv[2]), std::atoi(argv[3]));
  if (mode == "syscalls" && argc == 4) return syscalls(std::atol(argv[2]), argv[3]);
  if (mode == "shm" && argc == 3) return shm(argv[2]);
  if (mode == "cpu" && argc == 4) return cpu(std::atol(argv[2]), argv[3]);
  if (mode == "ulimit" && argc == 3) {
    struct rlimit r;
    ::getrlimit(RLIMIT_NOFILE, &r);
    put(argv[2], std::to_string(r.rlim_cur) + " " + std::to_string(r.rlim_max));
    return 0;
  }
  std::fprintf(stderr, "usage: rctl_workload hog|forkbomb|busy|hold|ulimit|syscalls|cpu ...\n");
  return 2;
}
