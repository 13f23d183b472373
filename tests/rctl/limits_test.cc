// rctl's kernel side on cgroups made by the test (see cgroup_jail.h): limits reach the
// cgroup files and hold against real workloads, rules come and go, bad rules change
// nothing. Runs on cgroup v1 (this host) and v2 (the qemu lane).
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/text.h"
#include "cgroup_jail.h"
#include "kernel/cgroup.h"
#include "rctl/cgroup_limits.h"
#include "rctl/rctl.h"

namespace jails::rctl::test {
namespace {

using Clock = std::chrono::steady_clock;

class RctlLimits : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  }
};

bool v2(const char* controller) {
  const kernel::Hierarchy* h = kernel::cgroup_layout().find(controller);
  return h && h->v2;
}

std::string knob(const CgroupJail& j, const char* controller, const char* v1file, const char* v2file) {
  auto text = read_file(j.file(controller, v2(controller) ? v2file : v1file));
  return text ? std::string(trim(*text)) : "<unreadable>";
}

std::string memory_limit(const CgroupJail& j) { return knob(j, "memory", "memory.limit_in_bytes", "memory.max"); }
std::string unlimited_memory() { return v2("memory") ? "max" : "9223372036854771712"; }

std::string rules_text_of(const std::string& filter) {
  std::string out;
  if (auto rules = find_rules(filter))
    for (const auto& r : *rules) out += format_rule(r) + "\n";
  return out;
}

TEST_F(RctlLimits, MemoryRuleReachesCgroupAndGoes) {
  CgroupJail j("mem");
  // cgroup2: memory.max appears once rctl switches the controller on for jail/.
  if (!v2("memory")) {
    ASSERT_EQ(memory_limit(j), unlimited_memory());
  }
  auto added = add_rule("jail:" + j.name + ":memoryuse:deny=64m");
  ASSERT_TRUE(added) << added.error().what();
  EXPECT_EQ(memory_limit(j), "67108864");
  EXPECT_EQ(rules_text_of("jail:" + j.name), "jail:" + j.name + ":memoryuse:deny=67108864\n");
  auto removed = remove_rules("jail:" + j.name + ":memoryuse");
  ASSERT_TRUE(removed) << removed.error().what();
  EXPECT_EQ(memory_limit(j), unlimited_memory());
  EXPECT_EQ(rules_text_of("jail:" + j.name), "");
}

// Allocates and touches `mb` MiB; returns 0 when all of it was touched. It is freed
// again unless `keep` (a process that is measured while it holds it).
int touch_mb(int mb, bool keep = false) {
  std::vector<char*> held;
  for (int i = 0; i < mb; ++i) {
    char* p = static_cast<char*>(::malloc(1 << 20));
    if (!p) break;
    std::memset(p, 1, 1 << 20);
    held.push_back(p);
  }
  int missing = mb - static_cast<int>(held.size());
  if (!keep)
    for (char* p : held) ::free(p);
  return missing ? 3 : 0;
}

TEST_F(RctlLimits, MemoryHogIsStoppedOtherJailCarriesOn) {
  CgroupJail hog_jail("hog"), other("other");
  // swapuse=0: the hog may not escape into swap.
  for (auto rule : {":memoryuse:deny=32m", ":swapuse:deny=0"}) {
    auto added = add_rule("jail:" + hog_jail.name + rule);
    ASSERT_TRUE(added) << added.error().what();
  }
  auto added = add_rule("jail:" + other.name + ":memoryuse:deny=256m");
  ASSERT_TRUE(added) << added.error().what();
  pid_t hog = hog_jail.spawn([] { return touch_mb(512); });
  pid_t fine = other.spawn([] { return touch_mb(48); });
  int hog_status = hog_jail.wait(hog, 30);
  int fine_status = other.wait(fine, 30);
  ASSERT_NE(hog_status, -1) << "the hog was not stopped in 30 s";
  EXPECT_TRUE(WIFSIGNALED(hog_status) && WTERMSIG(hog_status) == SIGKILL) << "status " << hog_status;
  EXPECT_TRUE(WIFEXITED(fine_status) && WEXITSTATUS(fine_status) == 0) << "status " << fine_status;
  // The host carries on: this process can still allocate what the hog could not.
  EXPECT_EQ(touch_mb(64), 0);
}

// Forks until fork fails; returns how many children it got, after reaping them.
int fork_bomb() {
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
  for (pid_t p : kids) ::kill(p, SIGKILL);
  for (pid_t p : kids) ::waitpid(p, nullptr, 0);
  return static_cast<int>(kids.size());
}

TEST_F(RctlLimits, ForkBombStopsAtMaxproc) {
  CgroupJail j("bomb");
  auto added = add_rule("jail:" + j.name + ":maxproc:deny=20");
  ASSERT_TRUE(added) << added.error().what();
  EXPECT_EQ(knob(j, "pids", "pids.max", "pids.max"), "20");
  pid_t bomb = j.spawn(fork_bomb);
  // The host stays responsive: a fork + exit here is quick while the bomb runs.
  auto t0 = Clock::now();
  pid_t p = ::fork();
  if (p == 0) ::_exit(0);
  ::waitpid(p, nullptr, 0);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 1.0);
  int status = j.wait(bomb, 30);
  ASSERT_TRUE(WIFEXITED(status)) << status;
  // 20 tasks: the jail's pid 1, the bomb and at most 18 children.
  EXPECT_LE(WEXITSTATUS(status), 18);
  EXPECT_GE(WEXITSTATUS(status), 10);
}

// Spins until this process has used `secs` of CPU time (however loaded the host is).
int busy_cpu(double secs) {
  timespec ts{};
  do ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  while (ts.tv_sec + ts.tv_nsec / 1e9 < secs);
  return 0;
}

int busy_for(double secs) {
  auto end = Clock::now() + std::chrono::duration<double>(secs);
  uint64_t n = 0;
  while (Clock::now() < end) n = n + 1;
  return static_cast<int>(n & 0);
}

TEST_F(RctlLimits, Pcpu50HoldsABusyLoopNearHalfACpu) {
  CgroupJail j("pcpu");
  auto added = add_rule("jail:" + j.name + ":pcpu:deny=50");
  ASSERT_TRUE(added) << added.error().what();
  EXPECT_EQ(knob(j, "cpu", "cpu.cfs_quota_us", "cpu.max"), v2("cpu") ? "50000 100000" : "50000");
  auto before = read_cgroup_usage(j.rel);
  auto t0 = Clock::now();
  pid_t busy = j.spawn([] { return busy_for(3.0); });
  ASSERT_TRUE(WIFEXITED(j.wait(busy, 20)));
  double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  auto after = read_cgroup_usage(j.rel);
  ASSERT_TRUE(before.cpu_ns && after.cpu_ns);
  double share = static_cast<double>(*after.cpu_ns - *before.cpu_ns) / 1e9 / wall;
  EXPECT_GT(share, 0.40) << share;
  EXPECT_LT(share, 0.60) << share;
}

TEST_F(RctlLimits, UsageMatchesWhatTheJailDid) {
  CgroupJail j("usage");
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t worker = j.spawn([&] {
    touch_mb(24, /*keep=*/true);
    busy_cpu(1.1);
    for (int i = 0; i < 3; ++i)
      if (::fork() == 0) {
        ::pause();
        ::_exit(0);
      }
    (void)::write(ready[1], "x", 1);
    ::pause();
    return 0;
  });
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  ::close(ready[0]);
  ::close(ready[1]);
  auto lines = usage("jail:" + j.name, std::chrono::milliseconds(100));
  ASSERT_TRUE(lines) << lines.error().what();
  std::map<std::string, int64_t> u;
  for (const auto& l : *lines) u[l.resource] = l.value;
  EXPECT_GE(u["memoryuse"], 24 << 20);
  EXPECT_GE(u["cputime"], 1);
  EXPECT_EQ(u["maxproc"], 5);  // pid 1, the worker, its 3 children
  EXPECT_GE(u["nthr"], 5);
  EXPECT_GT(u["openfiles"], 0);
  EXPECT_GE(u["vmemoryuse"], 24 << 20);
  EXPECT_LT(u["pcpu"], 50);  // idle now (the busy phase alone would read about 100)
  EXPECT_TRUE(u.contains("wallclock"));
  ::kill(worker, SIGKILL);
  j.wait(worker, 5);
}

TEST_F(RctlLimits, BadRulesChangeNothing) {
  CgroupJail j("bad");
  std::string good = "jail:" + j.name + ":memoryuse:deny=64m";
  ASSERT_TRUE(add_rule(good));
  struct Case { std::string rule, words; };
  std::vector<Case> cases = {
      {"jail:" + j.name + ":memuse:deny=1g", "unknown resource 'memuse'"},
      {"jail:" + j.name + ":memoryuse:deny=12q", "invalid numeric value '12q'"},
      {"jail:" + j.name + ":memoryuse:deny", "amount missing"},
      {"jail:nosuchjail_" + std::to_string(::getpid()) + ":memoryuse:deny=1g", "not found"},
      {"jail:" + j.name + ":memoryuse:log=1g", "watcher"},
      {"jail:" + j.name + ":nshm:deny=4", "own IPC namespace"},
      {"jail:../" + j.name + ":maxproc:deny=4", "not a jail name or jid"},
  };
  for (const auto& c : cases) {
    auto r = add_rule(c.rule);
    ASSERT_FALSE(r) << c.rule;
    EXPECT_NE(r.error().what().find(c.words), std::string::npos) << c.rule << ": " << r.error().what();
  }
  EXPECT_EQ(rules_text_of("jail:" + j.name), "jail:" + j.name + ":memoryuse:deny=67108864\n");
  EXPECT_EQ(memory_limit(j), "67108864");
  EXPECT_FALSE(remove_rules("jail:" + j.name + ":maxproc"));  // nothing matches
}

TEST_F(RctlLimits, SameRuleOnceDenyReplacesAmountJidWorks) {
  CgroupJail j("dup");
  std::string by_jid = "jail:" + std::to_string(j.jid) + ":maxproc:deny=30";
  ASSERT_TRUE(add_rule(by_jid));
  ASSERT_TRUE(add_rule(by_jid));
  EXPECT_EQ(rules_text_of("jail:" + j.name), "jail:" + j.name + ":maxproc:deny=30\n");
  ASSERT_TRUE(add_rule("jail:" + j.name + ":maxproc:deny=40"));
  EXPECT_EQ(rules_text_of("jail:" + j.name), "jail:" + j.name + ":maxproc:deny=40\n");
  EXPECT_EQ(knob(j, "pids", "pids.max", "pids.max"), "40");
  ASSERT_TRUE(add_rule("jail:" + j.name + ":nthr:deny=25"));
  EXPECT_EQ(knob(j, "pids", "pids.max", "pids.max"), "25");
  ASSERT_TRUE(remove_rules("jail:" + std::to_string(j.jid)));
  EXPECT_EQ(rules_text_of("jail:" + j.name), "");
  EXPECT_EQ(knob(j, "pids", "pids.max", "pids.max"), "max");
}

std::string limits_line(pid_t pid, const char* what) {
  auto text = read_file("/proc/" + std::to_string(pid) + "/limits");
  if (!text) return "";
  for (const auto& line : split(*text, '\n'))
    if (line.starts_with(what)) return join(split_blanks(line.substr(std::strlen(what))), " ");
  return "";
}

bool has_cap_sys_resource() {
  auto status = read_file("/proc/self/status");
  auto at = status ? status->find("CapEff:") : std::string::npos;
  if (at == std::string::npos) return false;
  uint64_t caps = std::strtoull(status->c_str() + at + 7, nullptr, 16);
  return caps & (1ULL << 24);  // CAP_SYS_RESOURCE
}

TEST_F(RctlLimits, RlimitsReachLiveProcessesAndNewOnes) {
  CgroupJail j("rlimit");
  pid_t sleeper = j.spawn([] { ::pause(); return 0; });
  ASSERT_TRUE(add_rule("jail:" + j.name + ":openfiles:deny=77"));
  ASSERT_TRUE(add_rule("jail:" + j.name + ":cputime:sigxcpu=100"));
  EXPECT_EQ(limits_line(sleeper, "Max open files"), "77 77 files");
  EXPECT_EQ(limits_line(j.init, "Max open files"), "77 77 files");
  EXPECT_TRUE(limits_line(sleeper, "Max cpu time").starts_with("100 ")) << limits_line(sleeper, "Max cpu time");
  auto rl = rlimits_for(j.name);
  ASSERT_EQ(rl.size(), 2u);
  EXPECT_EQ(rl[0].first, RLIMIT_CPU);
  EXPECT_EQ(rl[0].second.rlim_cur, 100u);
  EXPECT_EQ(rl[1].first, RLIMIT_NOFILE);
  EXPECT_EQ(rl[1].second.rlim_cur, 77u);
  auto removed = remove_rules("jail:" + j.name + ":openfiles");
  ASSERT_TRUE(removed) << removed.error().what();
  // Back to this process's limits where the kernel lets a hard limit rise again
  // (CAP_SYS_RESOURCE); without it the hard limit stays at the rule's amount.
  struct rlimit mine;
  ::getrlimit(RLIMIT_NOFILE, &mine);
  if (has_cap_sys_resource())
    EXPECT_EQ(limits_line(sleeper, "Max open files"), fmt::format("{} {} files", mine.rlim_cur, mine.rlim_max));
  else
    EXPECT_EQ(limits_line(sleeper, "Max open files"), "77 77 files");
  ::kill(sleeper, SIGKILL);
  j.wait(sleeper, 5);
}

}  // namespace
}  // namespace jails::rctl::test
