// The rules file of a jail: canonical lines, written whole, removed when empty.
#include <unistd.h>

#include <algorithm>
#include <fstream>

#include <gtest/gtest.h>

#include "base/text.h"
#include "cgroup_jail.h"
#include "rctl/store.h"

namespace jails::rctl {
namespace {

TEST(RulesFile, RoundTripAndRemoval) {
  test::use_private_state_dir();
  std::string name = "t" + std::to_string(::getpid()) + "_store";
  std::vector<Rule> rules = {*parse_rule("jail:" + name + ":memoryuse:deny=1g"),
                             *parse_rule("jail:" + name + ":openfiles:deny=64/process")};
  ASSERT_TRUE(save_rules(name, rules));
  EXPECT_EQ(read_file(rules_path(name)).value_or(""),
            "jail:" + name + ":memoryuse:deny=1073741824\njail:" + name + ":openfiles:deny=64/process\n");
  auto loaded = load_rules(name);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(*loaded, rules);
  auto names = jails_with_rules();
  EXPECT_NE(std::find(names.begin(), names.end(), name), names.end());
  ASSERT_TRUE(save_rules(name, {}));
  EXPECT_NE(::access(rules_path(name).c_str(), F_OK), 0);
  EXPECT_TRUE(load_rules(name)->empty());
}

TEST(RulesFile, DamagedFileNamesLine) {
  test::use_private_state_dir();
  std::string name = "t" + std::to_string(::getpid()) + "_damaged";
  std::ofstream(rules_path(name)) << "jail:" << name << ":maxproc:deny=5\njail:" << name << ":maxproc:deny=x\n";
  auto loaded = load_rules(name);
  ASSERT_FALSE(loaded);
  EXPECT_EQ(loaded.error().message.rfind(rules_path(name) + ":2: malformed rule", 0), 0u) << loaded.error().message;
  remove_rules_file(name);
}

}  // namespace
}  // namespace jails::rctl
