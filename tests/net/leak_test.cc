// After the suite: nothing a net test made is left on the host (cgroups, interfaces, nft
// rules). Names carry the pid of the test that made them (t<pid>_n...); one whose
// process is gone is a leak.
#include <gtest/gtest.h>
#include <dirent.h>
#include <net/if.h>
#include <signal.h>

#include <regex>

#include "net/rdr.h"

namespace jails::net::test {
namespace {

bool dead_test_name(const std::string& name) {
  static const std::regex re("^(vj)?t([0-9]+)_n.*");
  std::smatch m;
  if (!std::regex_match(name, m, re)) return false;
  return kill(std::stoi(m[2]), 0) < 0 && errno == ESRCH;
}

TEST(LeakCheck, AfterSuite) {
  if (DIR* d = opendir("/sys/fs/cgroup/unified")) {
    while (dirent* e = readdir(d)) EXPECT_FALSE(dead_test_name(e->d_name)) << "cgroup " << e->d_name;
    closedir(d);
  }
  if (struct if_nameindex* ifs = if_nameindex()) {
    for (auto* i = ifs; i->if_index; i++) EXPECT_FALSE(dead_test_name(i->if_name)) << "interface " << i->if_name;
    if_freenameindex(ifs);
  }
  auto rules = nft_list_rules();
  ASSERT_TRUE(rules) << rules.error().what();
  for (const auto& r : *rules)
    EXPECT_FALSE(r.comment.starts_with("jail=") && dead_test_name(r.comment.substr(5)))
        << "nft rule " << r.comment;
}

}  // namespace
}  // namespace jails::net::test
