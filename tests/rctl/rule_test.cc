// The rule grammar, amounts and output formats (pure, table-driven).
#include <gtest/gtest.h>

#include "rctl/output.h"
#include "rctl/rule.h"

namespace jails::rctl {
namespace {

TEST(ExpandNumber, Table) {
  struct Case { const char* in; int64_t want; };
  for (auto c : std::vector<Case>{{"0", 0}, {"100", 100}, {"1k", 1024}, {"1K", 1024}, {"1kb", 1024},
                                  {"3m", 3 << 20}, {"2g", 2LL << 30}, {"1t", 1LL << 40}, {"1e", 1LL << 60},
                                  {"7b", 7}}) {
    auto v = expand_number(c.in);
    ASSERT_TRUE(v) << c.in << ": " << v.error().what();
    EXPECT_EQ(*v, c.want) << c.in;
  }
  for (auto bad : {"", "abc", "-1", "1x", "1kk", "9e", "99999999999999999999", "1.5g", "k"})
    EXPECT_FALSE(expand_number(bad)) << bad;
}

TEST(HumanizeNumber, MatchesFreeBSD) {
  // FreeBSD humanize_number(buf, 6, n, "", HN_AUTOSCALE, HN_DECIMAL | HN_NOSPACE).
  struct Case { int64_t in; const char* want; };
  for (auto c : std::vector<Case>{{0, "0"}, {1023, "1023"}, {9999, "9999"}, {10000, "9.8K"},
                                  {1048576, "1024K"}, {104857600, "100M"}, {1073741824, "1024M"},
                                  {1610612736, "1536M"}, {10737418240, "10G"}, {5368709120, "5120M"}})
    EXPECT_EQ(humanize_number(c.in), c.want) << c.in;
}

TEST(ParseRule, FullRule) {
  auto r = parse_rule("jail:web:memoryuse:deny=1g");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subject, "jail");
  EXPECT_EQ(r->id, "web");
  EXPECT_EQ(r->resource, "memoryuse");
  EXPECT_EQ(r->action, "deny");
  EXPECT_EQ(r->amount, 1LL << 30);
  EXPECT_EQ(r->per, "");
  EXPECT_TRUE(fully_specified(*r));
  EXPECT_EQ(format_rule(*r), "jail:web:memoryuse:deny=1073741824");
  EXPECT_EQ(format_rule(*r, true), "jail:web:memoryuse:deny=1024M");
}

TEST(ParseRule, AliasesAndPer) {
  auto r = parse_rule("j:web:vmemoryuse:deny=100m/process");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->subject, "jail");
  EXPECT_EQ(r->per, "process");
  EXPECT_EQ(format_rule(*r), "jail:web:vmemoryuse:deny=104857600/process");
  // FreeBSD prints /per only when it differs from the subject.
  auto same = parse_rule("jail:web:maxproc:deny=10/jail");
  ASSERT_TRUE(same);
  EXPECT_EQ(format_rule(*same), "jail:web:maxproc:deny=10");
}

TEST(ParseRule, Filters) {
  struct Case { const char* in; const char* subject; const char* id; const char* resource; };
  for (auto c : std::vector<Case>{{":", "", "", ""}, {"jail:", "jail", "", ""}, {"jail:web", "jail", "web", ""},
                                  {"::maxproc", "", "", "maxproc"}, {"jail:web:pcpu", "jail", "web", "pcpu"}}) {
    auto r = parse_rule(c.in);
    ASSERT_TRUE(r) << c.in;
    EXPECT_EQ(r->subject, c.subject) << c.in;
    EXPECT_EQ(r->id, c.id) << c.in;
    EXPECT_EQ(r->resource, c.resource) << c.in;
    EXPECT_FALSE(fully_specified(*r)) << c.in;
  }
}

TEST(ParseRule, Errors) {
  auto missing = parse_rule("jail");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "malformed rule 'jail': missing subject");
  auto amount = parse_rule("jail:web:memoryuse:deny=lots");
  ASSERT_FALSE(amount);
  EXPECT_EQ(amount.error().message, "malformed rule 'jail:web:memoryuse:deny=lots': invalid numeric value 'lots'");
  EXPECT_EQ(first_missing(*parse_rule("jail:web:memoryuse")), "action");
  EXPECT_EQ(first_missing(*parse_rule("jail:web:memoryuse:deny")), "amount");
}

TEST(Matches, FilterFields) {
  Rule r = *parse_rule("jail:web:memoryuse:deny=1g");
  EXPECT_TRUE(matches(r, *parse_rule(":")));
  EXPECT_TRUE(matches(r, *parse_rule("jail:web")));
  EXPECT_TRUE(matches(r, *parse_rule("::memoryuse")));
  EXPECT_TRUE(matches(r, *parse_rule("jail:web:memoryuse:deny")));
  EXPECT_TRUE(matches(r, *parse_rule("jail:web:memoryuse:deny=1g")));
  EXPECT_TRUE(matches(r, *parse_rule("jail:web:memoryuse:deny=1g/jail")));
  EXPECT_FALSE(matches(r, *parse_rule("jail:db")));
  EXPECT_FALSE(matches(r, *parse_rule("::maxproc")));
  EXPECT_FALSE(matches(r, *parse_rule("jail:web:memoryuse:deny=2g")));
  EXPECT_FALSE(matches(r, *parse_rule("jail:web:memoryuse:deny=1g/process")));
}

TEST(Output, TextAndJson) {
  std::vector<Rule> rules = {*parse_rule("jail:web:memoryuse:deny=1g"), *parse_rule("jail:web:maxproc:deny=64")};
  EXPECT_EQ(rules_text(rules, false), "jail:web:memoryuse:deny=1073741824\njail:web:maxproc:deny=64\n");
  EXPECT_EQ(rules_text(rules, true), "jail:web:memoryuse:deny=1024M\njail:web:maxproc:deny=64\n");
  auto j = nlohmann::json::parse(rules_json(rules));
  EXPECT_EQ(j["__version"], "1");
  ASSERT_EQ(j["rctl"]["rules"].size(), 2u);
  EXPECT_EQ(j["rctl"]["rules"][0]["amount"], 1073741824);
  EXPECT_EQ(j["rctl"]["rules"][0]["per"], "jail");
  EXPECT_EQ(j["rctl"]["rules"][1]["rule"], "jail:web:maxproc:deny=64");
  std::vector<UsageLine> usage = {{"cputime", 3}, {"memoryuse", 20971520}};
  EXPECT_EQ(usage_text(usage, false), "cputime=3\nmemoryuse=20971520\n");
  EXPECT_EQ(usage_text(usage, true), "cputime=3\nmemoryuse=20M\n");
  EXPECT_EQ(usage_json("jail:web", usage),
            "{\"__version\":\"1\",\"rctl\":{\"usage\":{\"jail:web\":{\"cputime\":3,\"memoryuse\":20971520}}}}\n");
}

}  // namespace
}  // namespace jails::rctl
