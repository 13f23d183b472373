// The grammar: statements, sections, syntax errors with file:line:column.
#include <gtest/gtest.h>

#include "conf/parser.h"

namespace jails::conf {
namespace {

// "name{p=v1,v2;q;}" per section; variables as $x, "+=" as +=, name-value as ' '.
std::string dump(const std::string& text) {
  auto r = parse_tree(text, "t");
  if (!r) return "ERROR " + r.error().what();
  std::string out;
  for (const auto& s : r->sections) {
    out += s.name + "{";
    for (const auto& p : s.params) {
      out += (p.is_var ? "$" : "") + p.name;
      if (!p.values.empty()) out += p.append ? "+=" : p.nameval ? " " : "=";
      for (size_t i = 0; i < p.values.size(); ++i) {
        out += i ? "," : "";
        std::string t = p.values[i].text;
        for (auto it = p.values[i].vars.rbegin(); it != p.values[i].vars.rend(); ++it)
          t.insert(it->pos, "${" + it->name + "}");
        out += t;
      }
      out += ";";
    }
    out += "}";
  }
  return out;
}

struct Case {
  const char* in;
  const char* out;
};
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.in; }

class ParserTable : public ::testing::TestWithParam<Case> {};
TEST_P(ParserTable, Tree) { EXPECT_EQ(dump(GetParam().in), GetParam().out) << GetParam().in; }

INSTANTIATE_TEST_SUITE_P(
    Parser, ParserTable,
    ::testing::Values(
        Case{"", ""},
        Case{";;", ""},
        Case{"a { }", "a{}"},
        Case{"a { persist; persist true; persist = 1; };", "a{persist;persist true;persist=1;}"},
        Case{"a { ip4.addr = 1, 2; ip4.addr += 3; }", "a{ip4.addr=1,2;ip4.addr+=3;}"},
        Case{"$d = /j; a { path = \"$d/${name}\"; }", "*{$d=/j;}a{path=${d}/${name};}"},
        // one global section, placed at the first top-level parameter
        Case{"x; a { } y; b { } z;", "*{x;y;z;}a{}b{}"},
        Case{"a { } y;", "a{}*{y;}"},
        // nested blocks are hierarchical jails (FreeBSD 15)
        Case{"a { p; b { q; } r; }", "a{p;r;}a.b{q;}"},
        Case{"a { \"*\" { q; } }", "a{}a.*{q;}"},
        Case{"\"foo.*\" { persist; }", "foo.*{persist;}"},
        Case{"'quoted name' { }", "quoted name{}"},
        Case{"12 { }", "12{}"},
        // .include = x is an ordinary parameter
        Case{".include = \"f\";", "*{.include=f;}"},
        // syntax errors name file:line:column, the token and what was expected
        Case{"a { b }", "ERROR t:1:7: syntax error at \"}\": expected \";\""},
        Case{"a { b = ; }", "ERROR t:1:9: syntax error at \";\": expected a value"},
        Case{"a { b = c, ; }", "ERROR t:1:12: syntax error at \";\": expected a value"},
        Case{"foo.* { }", "ERROR t:1:5: syntax error at \"*\": expected \";\""},
        Case{"a {\n b;", "ERROR t:2:4: unexpected end of file: expected \"}\""},
        Case{"}", "ERROR t:1:1: syntax error at \"}\": expected a parameter or a jail name"},
        Case{"a = b c;", "ERROR t:1:7: syntax error at \"c\": expected \";\""},
        Case{"a b { }", "ERROR t:1:5: syntax error at \"{\": expected \";\""},
        Case{"a { b = c; } }", "ERROR t:1:14: syntax error at \"}\": expected a parameter or a jail name"},
        Case{"a { b = c ! }", "ERROR t:1:11: syntax error at \"!\": expected \";\""},
        Case{"a { @ = 1; }", "a{@=1;}"},
        // section 10: a comment starts even inside an unquoted value
        Case{"path = /usr//local;", "ERROR t:1:20: unexpected end of file: expected \";\""},
        Case{"= 1;", "ERROR t:1:1: syntax error at \"=\": expected a parameter or a jail name"},
        Case{".include \"$x\";", "ERROR t:1:1: variables not permitted in '.include' filename"}));

TEST(Parser, NestingIsBounded) {
  std::string deep;
  for (int i = 0; i < 100; ++i) deep += "a { ";
  EXPECT_EQ(dump(deep), "ERROR t:1:257: jail blocks nested too deeply");
}

TEST(Parser, WildNames) {
  EXPECT_TRUE(wild_name("*"));
  EXPECT_TRUE(wild_name("foo.*"));
  EXPECT_TRUE(wild_name("*.bar"));
  EXPECT_FALSE(wild_name("foo*"));
  EXPECT_FALSE(wild_name("foo"));
  EXPECT_TRUE(wild_match("foo.bar", "foo.*"));
  EXPECT_TRUE(wild_match("foo.bar.baz", "foo.*"));
  EXPECT_FALSE(wild_match("foo", "foo.*"));
  EXPECT_FALSE(wild_match("foox.bar", "foo.*"));
  EXPECT_TRUE(wild_match("anything", "*"));
  EXPECT_TRUE(wild_match("x.bar", "*.bar"));
  EXPECT_FALSE(wild_match("x.baz", "*.bar"));
}

}  // namespace
}  // namespace jails::conf
