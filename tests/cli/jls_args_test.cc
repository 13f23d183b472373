// jls's argument parsing: FreeBSD's getopt (no permutation, bundling, -jX), the PRINT_*
// flag arithmetic in the order given, --libxo anywhere, and the parameter check.
#include <gtest/gtest.h>

#include "cli/jls_format.h"

using namespace jails::cli;

namespace {

struct Flags {
  const char* what;
  std::vector<std::string> args;
  bool header, nameval, quoted, skip, verbose;
};
void PrintTo(const Flags& c, std::ostream* os) { *os << c.what; }


class JlsFlags : public ::testing::TestWithParam<Flags> {};

TEST_P(JlsFlags, CombineInOrder) {
  const auto& c = GetParam();
  auto o = parse_jls_args(c.args);
  ASSERT_TRUE(o) << o.error().what();
  EXPECT_EQ(o->header, c.header);
  EXPECT_EQ(o->nameval, c.nameval);
  EXPECT_EQ(o->quoted, c.quoted);
  EXPECT_EQ(o->skip, c.skip);
  EXPECT_EQ(o->verbose, c.verbose);
}

INSTANTIATE_TEST_SUITE_P(
    Getopt, JlsFlags,
    ::testing::Values(Flags{"none", {}, false, false, false, false, false},
                      Flags{"s_implies_nq", {"-s"}, false, true, true, true, false},
                      Flags{"s_then_h", {"-sh"}, true, true, true, false, false},
                      Flags{"h_then_s", {"-h", "-s"}, false, true, true, true, false},
                      Flags{"v_then_n", {"-vn"}, false, true, false, false, false},
                      Flags{"n_then_v", {"-n", "-v"}, false, false, false, false, true},
                      Flags{"v_then_h", {"-vh"}, true, false, false, false, false},
                      Flags{"s_then_v", {"-sv"}, false, false, true, false, true},
                      Flags{"params_drop_v", {"-v", "name"}, false, false, false, false, false},
                      Flags{"q_alone", {"-q"}, false, false, true, false, false}),
    [](const auto& info) { return std::string(info.param.what); });

TEST(JlsArgs, JailInEveryForm) {
  for (auto args : std::vector<std::vector<std::string>>{{"-j5"}, {"-j", "5"}, {"-cj5"}, {"-c", "-j", "5"}}) {
    auto o = parse_jls_args(args);
    ASSERT_TRUE(o);
    EXPECT_EQ(o->jail, "5");
    EXPECT_EQ(o->check, args.size() > 2 || args[0] == "-cj5");
  }
  auto o = parse_jls_args({"-dNj", "web", "jid"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->jail, "web");
  EXPECT_TRUE(o->dying);
  EXPECT_TRUE(o->jail_name);
  EXPECT_EQ(o->params, std::vector<std::string>{"jid"});
  EXPECT_TRUE(parse_jls_args({"-a"})->dying);  // FreeBSD's old spelling of -d
}

TEST(JlsArgs, OperandsStopOptions) {
  auto o = parse_jls_args({"name", "-v"});
  ASSERT_TRUE(o);
  EXPECT_EQ(o->params, (std::vector<std::string>{"name", "-v"}));
  auto bad = check_params(*o);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().what(), "unknown parameter: -v");
  o = parse_jls_args({"--", "-n"});
  ASSERT_TRUE(o);
  EXPECT_FALSE(o->nameval);
  EXPECT_EQ(o->params, std::vector<std::string>{"-n"});
}

TEST(JlsArgs, LibxoAnywhere) {
  struct L {
    std::vector<std::string> args;
    OutputStyle style;
    bool pretty;
  };
  for (const auto& c : std::vector<L>{{{"--libxo", "json"}, OutputStyle::Json, false},
                                      {{"--libxo=xml"}, OutputStyle::Xml, false},
                                      {{"--libxo=json,pretty"}, OutputStyle::Json, true},
                                      {{"--libxo:JP"}, OutputStyle::Json, true},
                                      {{"--libxo:X"}, OutputStyle::Xml, false},
                                      {{"-n", "name", "--libxo", "json"}, OutputStyle::Json, false},
                                      {{"--libxo", "text"}, OutputStyle::Text, false}}) {
    auto o = parse_jls_args(c.args);
    ASSERT_TRUE(o) << c.args[0];
    EXPECT_EQ(o->style, c.style) << c.args[0];
    EXPECT_EQ(o->pretty, c.pretty) << c.args[0];
    for (const auto& p : o->params) EXPECT_EQ(p.find("libxo"), std::string::npos);
  }
}

TEST(JlsArgs, Errors) {
  struct E {
    std::vector<std::string> args;
    std::string message;
  };
  const std::string usage = "\njls: usage: jls [-cdhNnqsv] [-j jail] [param ...]";
  for (const auto& c : std::vector<E>{{{"-x"}, "illegal option -- x" + usage},
                                      {{"-nx"}, "illegal option -- x" + usage},
                                      {{"-j"}, "option requires an argument -- j" + usage},
                                      {{"--libxo", "yaml"}, "unknown libxo option value: 'yaml'"},
                                      {{"--libxo:Q"}, "unknown libxo option value: 'Q'"},
                                      {{"--libxo"}, "--libxo needs a format" + usage}}) {
    auto o = parse_jls_args(c.args);
    ASSERT_FALSE(o) << c.args[0];
    EXPECT_EQ(o.error().what(), c.message);
  }
}

TEST(JlsArgs, ParameterNames) {
  for (std::string ok : {"all", "jid", "name", "allow.nomount", "nopersist", "children.cur", "cpuset.id",
                         "osreldate", "ip6.addr", "meta", "env"}) {
    JlsOptions o;
    o.params = {ok};
    EXPECT_TRUE(check_params(o)) << ok;
  }
  // jail(8)'s pseudo-parameters and keyed forms are not kernel parameters.
  for (std::string bad : {"exec.start", "command", "mount.devfs", "meta.key", "novnet", "nojid", "bogus", ""}) {
    JlsOptions o;
    o.params = {"jid", bad};
    auto r = check_params(o);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().what(), "unknown parameter: " + bad);
  }
}

}  // namespace
