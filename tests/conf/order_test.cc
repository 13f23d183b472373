// depend ordering: creation order, removal order, loops and missing jails.
#include <gtest/gtest.h>

#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

std::string names(const Config& c, const Result<std::vector<size_t>>& r) {
  if (!r) return "ERROR " + r.error().what();
  std::string out;
  for (size_t i : *r) out += (out.empty() ? "" : " ") + c.jails[i].name;
  return out;
}

TEST(Order, FileOrderWithoutDependencies) {
  Config c = parse_ok("b { } a { } c { }");
  EXPECT_EQ(names(c, start_order(c)), "b a c");
  EXPECT_EQ(names(c, stop_order(c)), "b a c");
}

TEST(Order, DependenciesFirstAndPulledIn) {
  Config c = parse_ok("web { depend = db, cache; } db { } cache { depend = db; } other { }");
  EXPECT_EQ(names(c, start_order(c)), "db cache web other");
  EXPECT_EQ(names(c, start_order(c, {"web"})), "db cache web");
  EXPECT_EQ(names(c, start_order(c, {"cache"})), "db cache");
  // Removal: dependants go first; dependencies of the target stay.
  EXPECT_EQ(names(c, stop_order(c, {"db"})), "web cache db");
  EXPECT_EQ(names(c, stop_order(c, {"web"})), "web");
  EXPECT_EQ(names(c, stop_order(c)), "web cache db other");
}

TEST(Order, ParentBeforeChild) {
  Config c = parse_ok("foo.bar { } foo { children.max = 1; } baz.qux { }");
  EXPECT_EQ(names(c, start_order(c)), "foo foo.bar baz.qux");
  EXPECT_EQ(names(c, stop_order(c, {"foo"})), "foo.bar foo");
}

TEST(Order, Errors) {
  Config loop = parse_ok("a { depend = b; } b { depend = a; } c { }");
  EXPECT_EQ(names(loop, start_order(loop)), "ERROR a: dependency loop");
  EXPECT_EQ(names(loop, start_order(loop, {"c"})), "c");
  Config missing = parse_ok("a { depend = nothere; }");
  EXPECT_EQ(names(missing, start_order(missing)), "ERROR a: depends on undefined jail \"nothere\"");
  Config one = parse_ok("a { }");
  EXPECT_EQ(names(one, start_order(one, {"b"})), "ERROR \"b\" not found");
}

TEST(Order, SelectByWildcardAndJid) {
  Config c = parse_ok("foo { } foo.a { } foo.b.c { } 9 { name = nine; } x { jid = 3; }");
  EXPECT_EQ(names(c, start_order(c, {"foo.*"})), "foo foo.a foo.b.c");
  EXPECT_EQ(names(c, start_order(c, {"nine"})), "9");
  EXPECT_EQ(names(c, start_order(c, {"3"})), "x");
  EXPECT_EQ(names(c, start_order(c, {"*"})), "foo foo.a foo.b.c 9 x");
}

}  // namespace
}  // namespace jails::conf::test
