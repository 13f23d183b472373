// SysV IPC limits in a jail's own IPC namespace; rctl.conf rules at jail creation;
// rules gone with the jail.
#include <fcntl.h>
#include <sched.h>
#include <sys/shm.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>

#include <gtest/gtest.h>

#include "base/text.h"
#include "base/unique_fd.h"
#include "cgroup_jail.h"
#include "jail/record.h"
#include "rctl/rctl.h"
#include "rctl/store.h"

namespace jails::rctl::test {
namespace {

class RctlIpcConf : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!privileged_or_skip()) GTEST_SKIP() << "needs root";
  }
};

// Joins pid's IPC namespace (a child process calls this) and creates segments until
// shmget fails; returns how many it made, after removing them.
int shm_segments_in(pid_t pid) {
  UniqueFd ns(::open(("/proc/" + std::to_string(pid) + "/ns/ipc").c_str(), O_RDONLY));
  if (!ns || ::setns(ns.get(), CLONE_NEWIPC) < 0) return 200;
  std::vector<int> ids;
  for (int i = 0; i < 50; ++i) {
    int id = ::shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0600);
    if (id < 0) break;
    ids.push_back(id);
  }
  for (int id : ids) ::shmctl(id, IPC_RMID, nullptr);
  return static_cast<int>(ids.size());
}

TEST_F(RctlIpcConf, NshmHoldsInTheJailsIpcNamespaceOnly) {
  CgroupJail j("ipc", /*new_ipc=*/true);
  auto host_shmmni = read_file("/proc/sys/kernel/shmmni");
  auto added = add_rule("jail:" + j.name + ":nshm:deny=3");
  ASSERT_TRUE(added) << added.error().what();
  pid_t init = j.init;
  pid_t probe = j.spawn([init] { return shm_segments_in(init); });
  int status = j.wait(probe, 10);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  EXPECT_EQ(read_file("/proc/sys/kernel/shmmni"), host_shmmni);
  auto lines = usage("jail:" + j.name, std::chrono::milliseconds(10));
  ASSERT_TRUE(lines);
  bool has_nshm = false;
  for (const auto& l : *lines) has_nshm = has_nshm || l.resource == "nshm";
  EXPECT_TRUE(has_nshm);
  // Removing the rule gives the namespace its default back.
  ASSERT_TRUE(remove_rules("jail:" + j.name + ":nshm"));
  probe = j.spawn([init] { return shm_segments_in(init); });
  status = j.wait(probe, 10);
  EXPECT_EQ(WEXITSTATUS(status), 50);
}

std::string write_conf(const std::string& text) {
  std::string path = jail::state_dir() + "/rctl.conf";
  std::ofstream(path) << text;
  ::setenv("RCTL_CONF", path.c_str(), 1);
  return path;
}

TEST_F(RctlIpcConf, ConfigRulesByNameAndJidThenForgotten) {
  CgroupJail j("conf");
  write_conf("# tenants\njail:" + j.name + ":maxproc:deny=50\njail:" + std::to_string(j.jid) +
             ":memoryuse:deny=100m\njail:someoneelse:maxproc:deny=1\nuser:0:maxproc:deny=1\n");
  auto applied = apply_config_rules(j.name, j.jid);
  ASSERT_TRUE(applied) << applied.error().what();
  auto rules = find_rules("jail:" + j.name);
  ASSERT_TRUE(rules);
  ASSERT_EQ(rules->size(), 2u);
  EXPECT_EQ(format_rule((*rules)[1]), "jail:" + j.name + ":memoryuse:deny=104857600");
  EXPECT_EQ(::access(rules_path(j.name).c_str(), F_OK), 0);
  forget_jail(j.name);
  EXPECT_NE(::access(rules_path(j.name).c_str(), F_OK), 0);
  EXPECT_TRUE(find_rules("jail:" + j.name)->empty());
  ::unsetenv("RCTL_CONF");
}

TEST_F(RctlIpcConf, BadConfigRuleNamesFileLineAndAppliesNothing) {
  CgroupJail j("badconf");
  std::string path = write_conf("jail:" + j.name + ":maxproc:deny=50\n\njail:" + j.name + ":memoryuse:log=1g\n");
  auto applied = apply_config_rules(j.name, j.jid);
  ASSERT_FALSE(applied);
  EXPECT_EQ(applied.error().message.rfind(path + ":3: rule 'jail:" + j.name + ":memoryuse:log=1g': ", 0), 0u)
      << applied.error().message;
  EXPECT_TRUE(find_rules("jail:" + j.name)->empty());
  ::unsetenv("RCTL_CONF");
}

TEST_F(RctlIpcConf, NoConfigFileIsFine) {
  CgroupJail j("noconf");
  ::setenv("RCTL_CONF", "/nonexistent/rctl.conf", 1);
  EXPECT_TRUE(apply_config_rules(j.name, j.jid));
  ::unsetenv("RCTL_CONF");
}

}  // namespace
}  // namespace jails::rctl::test
