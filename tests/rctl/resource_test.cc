// What each FreeBSD resource and action means here, and what is refused (pure).
#include <gtest/gtest.h>

#include "rctl/limits.h"
#include "rctl/resource.h"
#include "rctl/store.h"

namespace jails::rctl {
namespace {

Result<void> check(const char* text) {
  auto r = parse_rule(text);
  if (!r) return std::unexpected(r.error());
  return check_rule(*r);
}

TEST(CheckRule, Accepted) {
  for (auto ok : {"jail:w:memoryuse:deny=1g", "jail:w:swapuse:deny=0", "jail:w:maxproc:deny=10",
                  "jail:w:nthr:deny=100", "jail:w:pcpu:deny=50", "jail:w:readbps:throttle=1m",
                  "jail:w:writeiops:throttle=100", "jail:w:openfiles:deny=256", "jail:w:vmemoryuse:deny=1g/process",
                  "jail:w:stacksize:deny=8m", "jail:w:datasize:deny=1g", "jail:w:coredumpsize:deny=0",
                  "jail:w:memorylocked:deny=64k", "jail:w:cputime:sigxcpu=10", "jail:w:cputime:sigkill=20",
                  "jail:w:nshm:deny=4", "jail:w:shmsize:deny=1m", "jail:w:nmsgq:deny=2", "jail:w:nsem:deny=8",
                  "jail:w:nsemop:deny=4"})
    EXPECT_TRUE(check(ok)) << ok << ": " << check(ok).error().what();
}

TEST(CheckRule, RefusedWithReason) {
  struct Case { const char* rule; const char* words; };
  for (auto c : std::vector<Case>{
           {"jail:w:memuse:deny=1g", "unknown resource 'memuse' (did you mean 'memoryuse'?)"},
           {"jail:w:memoryuse:frobnicate=1", "unknown action 'frobnicate'"},
           {"jail:w:memoryuse:log=1g", "needs a watcher process"},
           {"jail:w:memoryuse:devctl=1g", "needs a watcher process"},
           {"jail:w:memoryuse:sigterm=1g", "only cputime:sigxcpu and cputime:sigkill"},
           {"jail:w:cputime:deny=10", "'deny' is not supported for resource 'cputime'"},
           {"jail:w:readbps:deny=1m", "(use throttle)"},
           {"jail:w:memoryuse:throttle=1m", "'throttle' is only supported"},
           {"jail:w:memoryuse:deny=1g/process", "per-process memoryuse is not available"},
           {"jail:w:maxproc:deny=1/user", "per 'user' is not supported"},
           {"user:root:maxproc:deny=1", "subject 'user' is not supported"},
           {"jail:w:wallclock:sigkill=10", "not supported on Linux"},
           {"jail:w:pseudoterminals:deny=10", "devpts"},
           {"jail:w:msgqqueued:deny=10", "not supported on Linux"},
           {"jail:w:pcpu:deny=0", "at least 1"}}) {
    auto r = check(c.rule);
    ASSERT_FALSE(r) << c.rule;
    EXPECT_NE(r.error().message.find(c.words), std::string::npos) << c.rule << ": " << r.error().message;
  }
}

TEST(Resources, AllOfFreeBSDInOrder) {
  auto all = resources();
  ASSERT_EQ(all.size(), 25u);
  EXPECT_EQ(all.front().name, "cputime");
  EXPECT_EQ(all.back().name, "writeiops");
  for (const auto& r : all) {
    if (r.mech == Mech::none) {
      EXPECT_FALSE(r.why.empty()) << r.name;
    }
  }
}

std::vector<Rule> rules(std::initializer_list<const char*> texts) {
  std::vector<Rule> out;
  for (auto t : texts) out.push_back(*parse_rule(t));
  return out;
}

TEST(LimitsFor, SmallestWins) {
  auto l = limits_for(rules({"jail:w:maxproc:deny=50", "jail:w:nthr:deny=20", "jail:w:memoryuse:deny=1g",
                             "jail:w:pcpu:deny=150", "jail:w:readbps:throttle=1m"}));
  EXPECT_EQ(l.cgroup.pids, 20);
  EXPECT_EQ(l.cgroup.memory, 1LL << 30);
  EXPECT_EQ(l.cgroup.pcpu, 150);
  EXPECT_EQ(l.cgroup.rbps, 1 << 20);
  EXPECT_FALSE(l.cgroup.wbps);
  EXPECT_FALSE(l.cgroup.swap);
  EXPECT_TRUE(l.rlimits.empty());
  EXPECT_FALSE(l.ipc.any());
}

TEST(LimitsFor, RlimitsAndIpc) {
  auto l = limits_for(rules({"jail:w:openfiles:deny=100", "jail:w:openfiles:deny=64/process",
                             "jail:w:cputime:sigxcpu=10", "jail:w:cputime:sigkill=20", "jail:w:nshm:deny=3",
                             "jail:w:shmsize:deny=1m"}));
  ASSERT_EQ(l.rlimits.size(), 2u);
  EXPECT_EQ(l.rlimits[0].resource, RLIMIT_CPU);
  EXPECT_EQ(l.rlimits[0].soft, 10u);
  EXPECT_EQ(l.rlimits[0].hard, 20u);
  EXPECT_EQ(l.rlimits[1].resource, RLIMIT_NOFILE);
  EXPECT_EQ(l.rlimits[1].soft, 64u);
  EXPECT_EQ(l.rlimits[1].hard, 64u);
  EXPECT_EQ(l.ipc.shmmni, 3);
  EXPECT_EQ(l.ipc.shmsize_bytes, 1 << 20);
}

TEST(ResolveRlimit, TighterOfRuleAndBase) {
  struct rlimit base = {1024, 4096};
  auto both = resolve_rlimit({RLIMIT_NOFILE, 64, 64}, base);
  EXPECT_EQ(both.rlim_cur, 64u);
  EXPECT_EQ(both.rlim_max, 64u);
  auto loose = resolve_rlimit({RLIMIT_NOFILE, 100000, 100000}, base);
  EXPECT_EQ(loose.rlim_cur, 1024u);
  EXPECT_EQ(loose.rlim_max, 4096u);
  auto soft = resolve_rlimit({RLIMIT_CPU, 10, std::nullopt}, {RLIM_INFINITY, RLIM_INFINITY});
  EXPECT_EQ(soft.rlim_cur, 10u);
  EXPECT_EQ(soft.rlim_max, RLIM_INFINITY);
  auto hard = resolve_rlimit({RLIMIT_CPU, std::nullopt, 5}, {RLIM_INFINITY, RLIM_INFINITY});
  EXPECT_EQ(hard.rlim_cur, 5u);
  EXPECT_EQ(hard.rlim_max, 5u);
}

TEST(ParseConf, CommentsAndErrors) {
  auto ok = parse_conf("/etc/rctl.conf", "# limits\n\njail:web:maxproc:deny=10  # tenants\n user:1:maxproc:deny=1\n");
  ASSERT_TRUE(ok) << ok.error().what();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].line, 3);
  EXPECT_EQ((*ok)[0].text, "jail:web:maxproc:deny=10");
  auto bad = parse_conf("/etc/rctl.conf", "jail:web:maxproc:deny=10\njail:web:memoryuse:deny=1q\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message,
            "/etc/rctl.conf:2: malformed rule 'jail:web:memoryuse:deny=1q': invalid numeric value '1q'");
}

}  // namespace
}  // namespace jails::rctl
