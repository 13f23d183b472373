// jexec's argument parsing: FreeBSD's getopt "lnd:u:U:" stopping at the jail.
#include <gtest/gtest.h>

#include "cli/jexec_args.h"

using namespace jails::cli;

namespace {

const std::string kUsage =
    "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]";

struct Ok {
  const char* what;
  std::vector<std::string> args;
  JexecArgs want;
};
void PrintTo(const Ok& c, std::ostream* os) { *os << c.what; }


class JexecParse : public ::testing::TestWithParam<Ok> {};

TEST_P(JexecParse, Parses) {
  auto a = parse_jexec_args(GetParam().args);
  ASSERT_TRUE(a) << a.error().what();
  const auto& w = GetParam().want;
  EXPECT_EQ(a->clean, w.clean);
  EXPECT_EQ(a->user, w.user);
  EXPECT_EQ(a->user_from_host, w.user_from_host);
  EXPECT_EQ(a->dir, w.dir);
  EXPECT_EQ(a->jail, w.jail);
  EXPECT_EQ(a->command, w.command);
}

INSTANTIATE_TEST_SUITE_P(
    Getopt, JexecParse,
    ::testing::Values(
        Ok{"jail_only", {"web"}, {false, "", false, "", "web", {}}},
        Ok{"command", {"3", "ls", "-l"}, {false, "", false, "", "3", {"ls", "-l"}}},
        Ok{"all_flags", {"-l", "-u", "root", "-d", "/tmp", "web", "sh", "-c", "id"},
           {true, "root", true, "/tmp", "web", {"sh", "-c", "id"}}},
        Ok{"jail_user_bundled", {"-lUwww", "web", "id"}, {true, "www", false, "", "web", {"id"}}},
        Ok{"dir_attached", {"-d/var", "web"}, {false, "", false, "/var", "web", {}}},
        Ok{"options_after_jail_are_the_commands", {"web", "-l", "-u", "x"},
           {false, "", false, "", "web", {"-l", "-u", "x"}}},
        Ok{"double_dash", {"-l", "--", "-web"}, {true, "", false, "", "-web", {}}},
        Ok{"n_is_ignored", {"-n", "web", "true"}, {false, "", false, "", "web", {"true"}}},
        Ok{"last_u_wins", {"-u", "a", "-u", "b", "web"}, {false, "b", true, "", "web", {}}}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(JexecArgs, Errors) {
  struct E {
    std::vector<std::string> args;
    std::string message;
  };
  for (const auto& c : std::vector<E>{{{}, kUsage},
                                      {{"-l"}, kUsage},
                                      {{"-u", "a", "-U", "b", "web"}, kUsage},
                                      {{"-x", "web"}, "jexec: illegal option -- x\n" + kUsage},
                                      {{"-d"}, "jexec: option requires an argument -- d\n" + kUsage},
                                      {{"web", "-u"}, ""}}) {
    auto a = parse_jexec_args(c.args);
    if (c.message.empty()) {
      EXPECT_TRUE(a);  // after the jail everything is the command's
      continue;
    }
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().what(), c.message);
  }
}

}  // namespace
