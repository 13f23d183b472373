// The cost of being limited: the same workloads in a jail cgroup with memory, pids and
// cpu rules and in one without, interleaved in the same run (ABBA order, so drift in
// the machine's load falls on both alike). The ruled jail's pcpu allows every CPU, so
// what is measured is the accounting and enforcement machinery, not throttling.
//
//   rctl_bench [rounds]      (root; prints a Markdown table)
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "jail/record.h"
#include "kernel/cgroup.h"
#include "rctl/rctl.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace jails;

struct BenchJail {
  std::string name, rel;
  pid_t init = -1;
};

pid_t spawn_in(const std::string& rel, bool init, int (*fn)()) {
  int p[2];
  if (::pipe(p) < 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[1]);
    char c;
    if (::read(p[0], &c, 1) != 1) ::_exit(1);
    ::_exit(fn());
  }
  ::close(p[0]);
  auto r = kernel::cgroup_attach(pid, rel, init ? rel : rel + "/procs");
  if (!r) std::fprintf(stderr, "attach: %s\n", r.error().what().c_str());
  (void)::write(p[1], "x", 1);
  ::close(p[1]);
  return pid;
}

int idle() {
  for (;;) ::pause();
}

BenchJail make_jail(const std::string& name, int jid) {
  BenchJail j{name, kernel::jail_cgroup(name)};
  if (auto r = kernel::cgroup_create(j.rel); !r) std::fprintf(stderr, "%s\n", r.error().what().c_str()), std::exit(1);
  j.init = spawn_in(j.rel, true, idle);
  jail::Record rec;
  rec.jid = jid, rec.name = name, rec.path = "/", rec.state = "active", rec.cgroup = j.rel;
  rec.init_pid = j.init;
  ::usleep(10000);
  rec.init_start = jail::process_start_time(j.init);
  if (auto r = jail::write_record(rec); !r) std::fprintf(stderr, "%s\n", r.error().what().c_str()), std::exit(1);
  return j;
}

void destroy(const BenchJail& j) {
  (void)kernel::cgroup_destroy(j.rel);
  ::waitpid(j.init, nullptr, 0);
  (void)jail::remove_record(j.name);
  rctl::forget_jail(j.name);
}

// Syscall-heavy: getppid (never cached by libc) and a 1-byte write to /dev/null.
int syscalls() {
  int fd = ::open("/dev/null", O_WRONLY);
  for (int i = 0; i < 150000; ++i) {
    ::syscall(SYS_getppid);
    (void)::write(fd, "x", 1);
  }
  return 0;
}

// CPU-bound: integer arithmetic, no syscalls.
int cpu() {
  volatile uint64_t sink = 0;
  uint64_t x = 88172645463325252ULL;
  for (int i = 0; i < 60000000; ++i) x ^= x << 13, x ^= x >> 7, x ^= x << 17;
  sink = x;
  return static_cast<int>(sink & 0);
}

// CPU time (user + system) of the workload's process, in ms: unlike wall time it does
// not count the time other tenants of this 2-core machine hold the CPU.
double run_once(const BenchJail& j, int (*fn)()) {
  pid_t p = spawn_in(j.rel, false, fn);
  struct rusage ru;
  ::wait4(p, nullptr, 0, &ru);
  auto ms = [](const timeval& t) { return t.tv_sec * 1e3 + t.tv_usec / 1e3; };
  return ms(ru.ru_utime) + ms(ru.ru_stime);
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = argc > 1 ? std::atoi(argv[1]) : 30;
  char tmpl[] = "/tmp/rctl-bench.XXXXXX";
  std::string state = ::mkdtemp(tmpl);
  ::setenv("JAIL_STATE_DIR", state.c_str(), 1);
  std::string tag = "b" + std::to_string(::getpid());
  BenchJail ruled = make_jail(tag + "_ruled", 9001), free = make_jail(tag + "_free", 9002);
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  for (const std::string& rule :
       std::vector<std::string>{":memoryuse:deny=1g", ":maxproc:deny=512", ":pcpu:deny=" + std::to_string(100 * cpus)})
    if (auto r = rctl::add_rule("jail:" + ruled.name + rule); !r)
      std::fprintf(stderr, "rctl -a: %s\n", r.error().what().c_str()), std::exit(1);
  struct Work { const char* name; int (*fn)(); };
  std::printf("| workload | no rules (CPU ms, median) | memoryuse+maxproc+pcpu rules (CPU ms, median) | difference |\n");
  std::printf("|---|---|---|---|\n");
  for (Work w : {Work{"syscall-heavy (150k getppid+write)", syscalls}, Work{"CPU-bound (60M xorshift)", cpu}}) {
    std::vector<double> a, b;
    run_once(free, w.fn);  // warm-up
    for (int i = 0; i < rounds; ++i) {
      if (i % 2 == 0) a.push_back(run_once(free, w.fn)), b.push_back(run_once(ruled, w.fn));
      else b.push_back(run_once(ruled, w.fn)), a.push_back(run_once(free, w.fn));
    }
    double ma = median(a), mb = median(b);
    std::printf("| %s | %.1f | %.1f | %+.2f%% |\n", w.name, ma, mb, (mb - ma) / ma * 100);
  }
  destroy(ruled);
  destroy(free);
  std::filesystem::remove_all(state);
  return 0;
}
