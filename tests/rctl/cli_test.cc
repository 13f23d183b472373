// The rctl command: FreeBSD's flags, output lines, messages and exit status.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cgroup_jail.h"

namespace jails::rctl::test {
namespace {

CmdResult rctl(const std::string& args) { return run(std::string(RCTL_BIN) + " " + args); }

TEST(RctlCli, AddListHumanRemove) {
  if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  CgroupJail j("cli");
  std::string s = "jail:" + j.name;
  auto add = rctl("-a " + s + ":maxproc:deny=100 " + s + ":memoryuse:deny=1g");
  EXPECT_EQ(add.status, 0) << add.err;
  EXPECT_EQ(add.out, "");
  auto all = rctl("");
  EXPECT_EQ(all.out, s + ":maxproc:deny=100\n" + s + ":memoryuse:deny=1073741824\n");
  EXPECT_EQ(rctl("-h " + s).out, s + ":maxproc:deny=100\n" + s + ":memoryuse:deny=1024M\n");
  EXPECT_EQ(rctl("-n " + s + ":memoryuse").out, s + ":memoryuse:deny=1073741824\n");
  EXPECT_EQ(rctl("-l process:" + std::to_string(j.init)).out, all.out);
  auto json = nlohmann::json::parse(rctl("--libxo json " + s).out);
  EXPECT_EQ(json["rctl"]["rules"].size(), 2u);
  auto rm = rctl("-r " + s + ":memoryuse");
  EXPECT_EQ(rm.status, 0) << rm.err;
  EXPECT_EQ(rctl(s).out, s + ":maxproc:deny=100\n");
  EXPECT_EQ(rctl("-r " + s).status, 0);
  EXPECT_EQ(rctl("").out, "");
}

TEST(RctlCli, ErrorsAndExitStatus) {
  if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  CgroupJail j("clierr");
  std::string s = "jail:" + j.name;
  auto unknown = rctl("-a jail:nosuch:maxproc:deny=1");
  EXPECT_EQ(unknown.status, 1);
  EXPECT_EQ(unknown.err, "rctl: failed to add rule 'jail:nosuch:maxproc:deny=1': jail 'nosuch' not found\n");
  auto amount = rctl("-a " + s + ":maxproc:deny=ten");
  EXPECT_EQ(amount.status, 1);
  EXPECT_EQ(amount.err, "rctl: malformed rule '" + s + ":maxproc:deny=ten': invalid numeric value 'ten'\n");
  // The exit status counts the failed arguments; the good one is applied.
  auto mixed = rctl("-a " + s + ":bogus:deny=1 " + s + ":maxproc:deny=9 " + s + ":memoryuse:sigterm=1");
  EXPECT_EQ(mixed.status, 2);
  EXPECT_EQ(rctl(s).out, s + ":maxproc:deny=9\n");
  auto two = rctl("-a -r " + s);
  EXPECT_EQ(two.status, 1);
  EXPECT_EQ(two.err, "rctl: at most one of -a, -l, -r, or -u may be specified\n");
  EXPECT_EQ(rctl("-u").status, 1);
  auto none = rctl("-r " + s + ":pcpu");
  EXPECT_EQ(none.status, 1);
  EXPECT_NE(none.err.find("no rule matches"), std::string::npos) << none.err;
}

TEST(RctlCli, UsageTextAndJson) {
  if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  CgroupJail j("cliu");
  std::string s = "jail:" + j.name;
  auto text = rctl("-u " + s);
  EXPECT_EQ(text.status, 0) << text.err;
  EXPECT_EQ(text.out.rfind("cputime=", 0), 0u) << text.out;
  EXPECT_NE(text.out.find("\nmaxproc=1\n"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("\nmemoryuse="), std::string::npos) << text.out;
  auto human = rctl("-hu " + s);
  EXPECT_EQ(human.status, 0);
  auto json = nlohmann::json::parse(rctl("-u --libxo json " + s).out);
  EXPECT_EQ(json["rctl"]["usage"][s]["maxproc"], 1);
  auto missing = rctl("-u jail:nosuch");
  EXPECT_EQ(missing.status, 1);
  EXPECT_EQ(missing.err, "rctl: failed to show resource consumption for 'jail:nosuch': jail 'nosuch' not found\n");
}

}  // namespace
}  // namespace jails::rctl::test
