// End to end with real jails: `jail -c` (the lifecycle's binary), rules through
// exec.created and /etc/rctl.conf (RCTL_CONF), workloads run as the jail's command.
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>

#include <gtest/gtest.h>

#include "base/text.h"
#include "cgroup_jail.h"
#include "jail/record.h"
#include "kernel/cgroup.h"
#include "rctl/rctl.h"
#include "rctl/store.h"

namespace jails::rctl::test {
namespace {

using Clock = std::chrono::steady_clock;

class JailE2E : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
#ifdef JAIL_BIN
    jail_bin_ = JAIL_BIN;
#endif
    if (jail_bin_.empty() || ::access(jail_bin_.c_str(), X_OK) != 0) {
      const char* ci = std::getenv("CI");
      if (ci && std::string(ci) == "true") FAIL() << "CI=true: the jail binary is not built: " << jail_bin_;
      GTEST_SKIP() << "the jail binary is not built (cmake --build ... --target jail jail-init)";
    }
    use_private_state_dir();
  }
  void TearDown() override {
    for (const auto& n : made_) (void)run(jail_bin_ + " -r " + n);
    for (const auto& f : files_) std::remove(f.c_str());
    ::unsetenv("RCTL_CONF");
  }
  std::string name(const std::string& tag) {
    made_.push_back("t" + std::to_string(::getpid()) + "_j" + tag);
    return made_.back();
  }
  std::string file(const std::string& tag) {
    files_.push_back("/tmp/rctl-e2e-" + std::to_string(::getpid()) + "-" + tag);
    return files_.back();
  }
  // jail -c name=N path=/ [exec.created="rctl -a RULES"] PARAMS
  CmdResult create(const std::string& n, const std::string& rules, const std::string& params) {
    std::string cmd = jail_bin_ + " -c name=" + n + " path=/";
    if (!rules.empty()) cmd += " 'exec.created=" + std::string(RCTL_BIN) + " -a " + rules + "'";
    return run(cmd + " " + params);
  }
  std::string rctl(const std::string& args) { return run(std::string(RCTL_BIN) + " " + args).out; }
  static std::string workload(const std::string& args) { return std::string(WORKLOAD_BIN) + " " + args; }
  static std::string slurp(const std::string& f) { return std::string(trim(read_file(f).value_or(""))); }

  std::string jail_bin_;
  std::vector<std::string> made_, files_;
};

TEST_F(JailE2E, MemoryHogStoppedWhileAnotherJailCarriesOn) {
  std::string hog = name("hog"), other = name("other");
  std::string hog_out = file("hog"), other_out = file("other");
  auto h = create(hog, "jail:" + hog + ":memoryuse:deny=32m jail:" + hog + ":swapuse:deny=0",
                  "command=" + workload("hog 512 " + hog_out));
  EXPECT_NE(h.status, 0) << "the hog finished: " << h.err;
  std::string reached = slurp(hog_out);
  EXPECT_NE(reached, "done");
  EXPECT_LE(std::atoi(reached.c_str()), 32) << reached;
  auto o = create(other, "jail:" + other + ":memoryuse:deny=256m", "command=" + workload("hog 64 " + other_out));
  EXPECT_EQ(o.status, 0) << o.err;
  EXPECT_EQ(slurp(other_out), "done");
}

TEST_F(JailE2E, ForkBombStopsAtMaxproc) {
  std::string n = name("bomb"), out = file("bomb");
  auto t0 = Clock::now();
  auto r = create(n, "jail:" + n + ":maxproc:deny=20", "command=" + workload("forkbomb " + out));
  EXPECT_EQ(r.status, 0) << r.err;
  int kids = std::atoi(slurp(out).c_str());
  EXPECT_GE(kids, 5);
  EXPECT_LE(kids, 19);  // 20 tasks, minus the jail's pid 1 and the bomb itself
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - t0).count(), 20.0);
}

TEST_F(JailE2E, Pcpu50HoldsNearHalfACpu) {
  std::string n = name("pcpu"), out = file("pcpu");
  auto r = create(n, "jail:" + n + ":pcpu:deny=50", "command=" + workload("busy 3 " + out));
  ASSERT_EQ(r.status, 0) << r.err;
  auto f = split_blanks(slurp(out));
  ASSERT_EQ(f.size(), 2u);
  double share = std::atof(f[0].c_str()) / std::atof(f[1].c_str());
  EXPECT_GT(share, 0.40) << share;
  EXPECT_LT(share, 0.60) << share;
}

TEST_F(JailE2E, UsageReportsWhatTheJailDoes) {
  std::string n = name("usage");
  auto r = create(n, "", "persist command=/bin/sh -c '" + workload("hold 24 2") + " &'");
  ASSERT_EQ(r.status, 0) << r.err;
  std::map<std::string, int64_t> u;
  for (int attempt = 0; attempt < 50 && u["memoryuse"] < (24 << 20); ++attempt) {
    ::usleep(100000);
    for (const auto& line : split(rctl("-u jail:" + n), '\n'))
      if (auto eq = line.find('='); eq != std::string::npos)
        u[line.substr(0, eq)] = parse_int(line.substr(eq + 1)).value_or(-1);
  }
  EXPECT_GE(u["memoryuse"], 24 << 20);
  EXPECT_EQ(u["maxproc"], 4);  // pid 1, the holder, its 2 children
  EXPECT_GE(u["wallclock"], 0);
  EXPECT_GT(u["openfiles"], 0);
}

TEST_F(JailE2E, IpcRuleFromExecCreatedHoldsInTheJail) {
  std::string n = name("ipc"), out = file("shm");
  auto r = create(n, "jail:" + n + ":nshm:deny=3", "sysvshm=new sysvmsg=new sysvsem=new command=" + workload("shm " + out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(slurp(out), "3");
  // The same rule on a jail sharing the host's IPC namespace is refused.
  std::string shared = name("ipcshared");
  ASSERT_EQ(create(shared, "", "persist sysvshm=inherit sysvmsg=inherit sysvsem=inherit").status, 0);
  auto refused = run(std::string(RCTL_BIN) + " -a jail:" + shared + ":nshm:deny=3");
  EXPECT_EQ(refused.status, 1);
  EXPECT_NE(refused.err.find("own IPC namespace"), std::string::npos) << refused.err;
}

TEST_F(JailE2E, RulesGoWithTheJail) {
  std::string n = name("gone");
  ASSERT_EQ(create(n, "", "persist").status, 0);
  EXPECT_EQ(run(std::string(RCTL_BIN) + " -a jail:" + n + ":maxproc:deny=30").status, 0);
  EXPECT_EQ(rctl("jail:" + n), "jail:" + n + ":maxproc:deny=30\n");
  auto removed = run(jail_bin_ + " -r " + n);
  EXPECT_EQ(removed.status, 0) << removed.err;
  // jail -r calls rctl::forget_jail; a listing also drops the rules of jails gone.
  EXPECT_NE(::access(rules_path(n).c_str(), F_OK), 0) << "rules file left behind by jail -r";
  EXPECT_EQ(rctl("jail:" + n), "");
  // A new jail of the same name starts without the old rules.
  ASSERT_EQ(create(n, "", "persist").status, 0);
  EXPECT_EQ(rctl("jail:" + n), "");
}

TEST_F(JailE2E, ConfigRulesAndRlimitsAtCreation) {
  std::string n = name("conf"), out = file("ulimit");
  std::string conf = file("rctl.conf");
  std::ofstream(conf) << "jail:" << n << ":maxproc:deny=40\njail:" << n << ":openfiles:deny=77\n";
  ::setenv("RCTL_CONF", conf.c_str(), 1);
  auto r = create(n, "", "persist command=" + workload("ulimit " + out));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(rctl("jail:" + n), "jail:" + n + ":maxproc:deny=40\njail:" + n + ":openfiles:deny=77\n");
  const kernel::Hierarchy* pids = kernel::cgroup_layout().find("pids");
  ASSERT_TRUE(pids);
  EXPECT_EQ(slurp(kernel::cgroup_file(*pids, kernel::jail_cgroup(n), "pids.max")), "40");
  EXPECT_EQ(slurp(out), "77 77");
}

TEST_F(JailE2E, BadConfigRuleStopsCreation) {
  std::string n = name("badconf");
  std::string conf = file("bad.conf");
  std::ofstream(conf) << "jail:" << n << ":memoryuse:deny=1zz\n";
  ::setenv("RCTL_CONF", conf.c_str(), 1);
  auto r = create(n, "", "persist");
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find(conf + ":1:"), std::string::npos) << r.err;
  EXPECT_FALSE(*jail::find_record(n)) << "the jail was created anyway";
}

TEST_F(JailE2E, BadRulesOnARealJailChangeNothing) {
  std::string n = name("badrule");
  ASSERT_EQ(create(n, "jail:" + n + ":maxproc:deny=30", "persist").status, 0);
  for (std::string bad : {":memuse:deny=1g", ":maxproc:deny=lots", ":maxproc:log=3", ":wallclock:sigkill=9"}) {
    auto r = run(std::string(RCTL_BIN) + " -a jail:" + n + bad);
    EXPECT_EQ(r.status, 1) << bad;
    EXPECT_NE(r.err.find("rctl: "), std::string::npos) << r.err;
  }
  EXPECT_EQ(run(std::string(RCTL_BIN) + " -a jail:nosuch_" + n + ":maxproc:deny=1").status, 1);
  EXPECT_EQ(rctl("jail:" + n), "jail:" + n + ":maxproc:deny=30\n");
}

}  // namespace
}  // namespace jails::rctl::test
