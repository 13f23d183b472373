// Tokens as FreeBSD's jaillex.l cuts them. Dump: S"x" first piece, s"x" glued piece,
// V(x)/v(x) variables, punctuation as itself.
#include <gtest/gtest.h>

#include "conf/lexer.h"

namespace jails::conf {
namespace {

std::string dump(const std::string& text) {
  auto r = lex(text, "t");
  if (!r) return "ERROR " + r.error().what();
  std::string out;
  for (const auto& t : *r) {
    if (!out.empty() && t.kind != Tok::End) out += ' ';
    switch (t.kind) {
      case Tok::Str: out += "S\"" + t.text + "\""; break;
      case Tok::Str1: out += "s\"" + t.text + "\""; break;
      case Tok::Var: out += "V(" + t.text + ")"; break;
      case Tok::Var1: out += "v(" + t.text + ")"; break;
      case Tok::PlusEq: out += "+="; break;
      case Tok::Punct: out += t.text; break;
      case Tok::Other: out += "?" + t.text; break;
      case Tok::End: break;
    }
  }
  return out;
}

struct Case {
  const char* in;
  const char* out;
};
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.in; }


class LexerTable : public ::testing::TestWithParam<Case> {};

TEST_P(LexerTable, Tokens) { EXPECT_EQ(dump(GetParam().in), GetParam().out) << GetParam().in; }

INSTANTIATE_TEST_SUITE_P(
    Lexer, LexerTable,
    ::testing::Values(
        Case{"path = /var/jail/x;", R"(S"path" = S"/" s"var" s"/" s"jail" s"/" s"x" ;)"},
        Case{"a { b; }", R"(S"a" { S"b" ; })"},
        Case{"ip4.addr += 10.0.0.1, 10.0.0.2;", R"(S"ip4.addr" += S"10.0.0.1" , S"10.0.0.2" ;)"},
        Case{"x+=y", R"(S"x" += S"y")"},
        Case{"x+y", R"(S"x" s"+" s"y")"},
        // comments anywhere outside quotes, even glued to a token
        Case{"a # c\nb", R"(S"a" S"b")"},
        Case{"path=/a//b;\nc;", R"(S"path" = S"/" s"a" S"c" ;)"},
        Case{"a/* x\n y */b", R"(S"a" S"b")"},
        Case{"a#b;c", R"(S"a")"},
        Case{"\"a#b\"", R"(S"a#b")"},
        // quoting, escapes, concatenation
        Case{R"("a"'b'c)", R"(S"a" s"b" s"c")"},
        Case{R"('$x\t')", "S\"$x\t\""},
        Case{R"("\101\x42\n\q\$")", "S\"AB\nq$\""},
        Case{"\"a\\\nb\"", R"(S"ab")"},
        Case{R"(\;x)", R"(S";" s"x")"},
        // variables
        Case{"$x.y", R"(V(x) s".y")"},
        Case{"${host.hostname}z", R"(V(host.hostname) s"z")"},
        Case{R"("/j/$name/x")", R"(S"/j/" v(name) s"/x")"},
        Case{R"("${a}${b}")", R"(S"" v(a) v(b))"},
        Case{R"("a$ b")", R"(S"a" s"$" s" b")"},
        Case{"$", R"(S"$")"},
        Case{"\"$x\" y", R"(S"" v(x) S"y")"},
        // wildcards: "*" alone is one string, foo.* two pieces
        Case{"* {}", R"(S"*" { })"},
        Case{"foo.* {}", R"(S"foo." s"*" { })"},
        Case{"\"foo.*\" {}", R"(S"foo.*" { })"},
        // other characters reach the parser
        Case{"a ' ", "ERROR t:1:3: unterminated string"},
        Case{"a \"x", "ERROR t:1:3: unterminated string"},
        Case{"/* x", "ERROR t:1:1: unterminated comment"},
        Case{"${x\n}", "ERROR t:1:1: unterminated variable"},
        Case{"${a{b}", "ERROR t:1:1: unterminated variable"},
        Case{"\"${a\"}\"", "ERROR t:1:2: unterminated variable"}));

TEST(Lexer, LocationsCountLinesAndColumns) {
  auto r = lex("a {\n  path = \"/x\n y\";\n}", "f");
  ASSERT_TRUE(r);
  const auto& t = *r;
  ASSERT_GE(t.size(), 6u);
  EXPECT_EQ(t[2].text, "path");
  EXPECT_EQ(t[2].loc.line, 2);
  EXPECT_EQ(t[2].loc.column, 3);
  EXPECT_EQ(t[4].loc.column, 10);
  EXPECT_EQ(t[5].text, ";");
  EXPECT_EQ(t[5].loc.line, 3);
  EXPECT_EQ(t[5].loc.column, 4);
}

TEST(Lexer, NulFromEscapeEndsTheString) {
  EXPECT_EQ(dump(R"("ab\0cd")"), R"(S"ab")");
}

}  // namespace
}  // namespace jails::conf
