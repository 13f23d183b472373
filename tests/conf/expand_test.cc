// Expansion: spec section 3.6 (all ten examples), section 10, FreeBSD's own tests.
#include <gtest/gtest.h>

#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

TEST(Expand, Example1WildcardBeforeJailIsOverridden) {
  Config c = parse_ok(R"(path = "/j/$name"; a { } b { path = /x; })");
  EXPECT_EQ(value_of(jail_of(c, "a"), "path"), "/j/a");
  EXPECT_EQ(value_of(jail_of(c, "a"), "name"), "a");
  EXPECT_EQ(value_of(jail_of(c, "b"), "path"), "/x");
}

TEST(Expand, Example2WildcardAfterJailOverrides) {
  Config c = parse_ok(R"(a { path = /x; } path = "/j/$name";)");
  EXPECT_EQ(value_of(jail_of(c, "a"), "path"), "/j/a");
}

TEST(Expand, Example3Append) {
  Config c = parse_ok("a { ip4.addr = 10.0.0.1, 10.0.0.2; ip4.addr += 10.0.0.3; }");
  EXPECT_EQ(value_of(jail_of(c, "a"), "ip4.addr"), "10.0.0.1,10.0.0.2,10.0.0.3");
}

TEST(Expand, Example4VariablesAndDottedNames) {
  Config c = parse_ok(R"($d = "/jails"; w { path = "$d/${name}"; host.hostname = "$name.example.org"; })");
  const JailConf& w = jail_of(c, "w");
  EXPECT_EQ(value_of(w, "path"), "/jails/w");
  EXPECT_EQ(value_of(w, "host.hostname"), "w.example.org");
  EXPECT_EQ(w.find("d"), nullptr) << "variables are dropped after substitution";
}

TEST(Expand, Example5SingleQuotesDoNotExpand) {
  Config c = parse_ok("x { exec.start = 'echo $HOME'; }");
  EXPECT_EQ(value_of(jail_of(c, "x"), "exec.start"), "echo $HOME");
  EXPECT_FALSE(jail_of(c, "x").error);
}

TEST(Expand, Example6NoPrefixIsTheSameParameter) {
  JailSpec s = spec_of("x { path = /x; allow.mount; allow.nomount; persist = false; mount.devfs = 1; }", "x");
  EXPECT_FALSE(s.allowed("allow.mount"));
  EXPECT_FALSE(s.persist);
  EXPECT_TRUE(s.mount_devfs);
  Config c = parse_ok("x { allow.mount; allow.nomount; }");
  EXPECT_EQ(jail_of(c, "x").find("allow.mount"), nullptr);
  EXPECT_NE(jail_of(c, "x").find("allow.nomount"), nullptr) << "the later spelling wins";
}

TEST(Expand, Example7AllDigitNameSetsJid) {
  Config c = parse_ok(R"(12 { persist; host.hostname = "${name}"; })");
  const JailConf& j = jail_of(c, "12");
  EXPECT_EQ(value_of(j, "jid"), "12");
  EXPECT_EQ(value_of(j, "name"), "12");
  EXPECT_EQ(value_of(j, "host.hostname"), "12");
  JailSpec s = spec_of(R"(12 { persist; })", "12");
  EXPECT_EQ(s.jid, 12);
  EXPECT_EQ(s.name, "12");
}

TEST(Expand, Example8PartialWildcardAndParent) {
  Config c = parse_ok(R"("foo.*" { persist; } foo { children.max = 2; } foo.bar { })");
  EXPECT_EQ(value_of(jail_of(c, "foo"), "persist"), "<unset>");
  EXPECT_EQ(value_of(jail_of(c, "foo"), "children.max"), "2");
  EXPECT_NE(jail_of(c, "foo.bar").find("persist"), nullptr);
  EXPECT_EQ(jail_of(c, "foo.bar").implied_depend, std::vector<std::string>{"foo"});
  JailSpec s = spec_of(R"("foo.*" { persist; } foo { children.max = 2; } foo.bar { })", "foo.bar");
  EXPECT_TRUE(s.persist);
  EXPECT_EQ(s.depend, std::vector<std::string>{"foo"});
}

TEST(Expand, Example9MissingVariableFailsOnlyThatJail) {
  Config c = parse_ok("y { host.hostname = $h; } z { persist; }");
  ASSERT_TRUE(jail_of(c, "y").error);
  EXPECT_EQ(jail_of(c, "y").error->what(), "y: test.conf:1:5: host.hostname: variable \"h\" not found");
  EXPECT_FALSE(jail_of(c, "z").error);
}

TEST(Expand, Example10CommandsAppendInOrder) {
  JailSpec s = spec_of(R"(z { exec.start = "/bin/sh /etc/rc"; exec.start += "touch /tmp/ok"; })", "z");
  EXPECT_EQ(s.exec_start, (std::vector<std::string>{"/bin/sh /etc/rc", "touch /tmp/ok"}));
}

// Section 10: where the first top-level parameter sits decides.
TEST(Expand, GlobalSectionSitsAtFirstTopLevelParameter) {
  EXPECT_EQ(value_of(jail_of(parse_ok("foo { path=/a; } path=/b;"), "foo"), "path"), "/b");
  EXPECT_EQ(value_of(jail_of(parse_ok("persist; foo { path=/a; } path=/b;"), "foo"), "path"), "/a");
}

TEST(Expand, BareNameClearsAList) {
  Config c = parse_ok("a { exec.start = x; exec.start; }");
  EXPECT_EQ(value_of(jail_of(c, "a"), "exec.start"), "");
}

TEST(Expand, ListVariableAsWholeValueGivesTheList) {
  Config c = parse_ok("$ips = 10.0.0.1, 10.0.0.2; a { ip4.addr = $ips; ip6.addr = \"$ips\"; }");
  EXPECT_EQ(value_of(jail_of(c, "a"), "ip4.addr"), "10.0.0.1,10.0.0.2");
  EXPECT_EQ(value_of(jail_of(c, "a"), "ip6.addr"), "10.0.0.1,10.0.0.2");
  EXPECT_FALSE(jail_of(c, "a").error);
}

TEST(Expand, ArrayCannotBeSubstitutedInline) {
  Config c = parse_ok("$ips = a, b; j { host.hostname = \"x$ips\"; }");
  ASSERT_TRUE(jail_of(c, "j").error);
  EXPECT_EQ(jail_of(c, "j").error->what(), "j: test.conf:1:18: host.hostname: array cannot be substituted inline");
}

TEST(Expand, VariableLoop) {
  Config c = parse_ok("j { $a = $b; $b = $a; path = $a; }");
  ASSERT_TRUE(jail_of(c, "j").error);
  EXPECT_EQ(jail_of(c, "j").error->what(), "j: test.conf:1:14: a: variable loop");
}

TEST(Expand, SubstitutionIsRecursiveAndUsesParameters) {
  Config c = parse_ok(R"($base = /j; $root = "$base/r"; a { host.hostname = h; path = "$root/${host.hostname}"; })");
  EXPECT_EQ(value_of(jail_of(c, "a"), "path"), "/j/r/h");
}

TEST(Expand, ForwardReferenceMovesTheReferencedParameterFirst) {
  // FreeBSD resolves the referenced parameter first and moves it before the referrer.
  Config c = parse_ok(R"(a { path = "/j/${host.hostname}"; host.hostname = "$name.x"; })");
  const JailConf& a = jail_of(c, "a");
  EXPECT_EQ(value_of(a, "path"), "/j/a.x");
  ASSERT_EQ(a.params.size(), 3u);
  EXPECT_EQ(a.params[1].name, "host.hostname");
  EXPECT_EQ(a.params[2].name, "path");
}

TEST(Expand, NameAndJidCannotBeRedefined) {
  Config c = parse_ok("a { name = b; }");
  ASSERT_TRUE(jail_of(c, "a").error);
  EXPECT_EQ(jail_of(c, "a").error->what(), "a: test.conf:1:5: cannot redefine parameter \"name\".");
  Config d = parse_ok("5 { name = basejail; persist; } basejail { jid = 7; }");
  EXPECT_FALSE(jail_of(d, "5").error);
  EXPECT_EQ(value_of(jail_of(d, "5"), "name"), "basejail");
  EXPECT_EQ(value_of(jail_of(d, "basejail"), "jid"), "7");
}

TEST(Expand, VariableMayNotShareAParameterName) {
  Config c = parse_ok("a { $path = x; }");
  ASSERT_TRUE(jail_of(c, "a").error);
  EXPECT_EQ(jail_of(c, "a").error->what(),
            "a: test.conf:1:5: variable \"$path\" cannot have the same name as a parameter.");
}

TEST(Expand, EmptyParameterIsNotFoundAsVariable) {
  Config c = parse_ok("a { persist; path = \"/$persist\"; }");
  ASSERT_TRUE(jail_of(c, "a").error);
  EXPECT_EQ(jail_of(c, "a").error->what(), "a: test.conf:1:14: path: variable \"persist\" not found");
}

// FreeBSD usr.sbin/jail/tests/commands.jail.conf (spec section 8): global params before and
// after the jail both apply.
TEST(Expand, FreeBsdCommandsTestConfig) {
  JailSpec s = spec_of("exec.prestop = \"echo STOP\";\nexec.prestart = \"echo START\";\npersist;\n"
                       "basejail {}\npath = \"/tmp/pwd\";\n",
                       "basejail");
  EXPECT_EQ(s.exec_prestop, std::vector<std::string>{"echo STOP"});
  EXPECT_EQ(s.exec_prestart, std::vector<std::string>{"echo START"});
  EXPECT_TRUE(s.persist);
  EXPECT_EQ(s.path, "/tmp/pwd");
}

TEST(Expand, NestedBlocksAreChildren) {
  Config c = parse_ok("a { persist; b { path = /x; } }");
  EXPECT_EQ(value_of(jail_of(c, "a.b"), "name"), "a.b");
  EXPECT_EQ(value_of(jail_of(c, "a.b"), "path"), "/x");
  EXPECT_EQ(value_of(jail_of(c, "a.b"), "persist"), "<unset>");
  EXPECT_EQ(jail_of(c, "a.b").implied_depend, std::vector<std::string>{"a"});
}

TEST(Expand, SecondDefinitionOfAJailFails) {
  Config c = parse_ok("a { path = /x; }\nb { }\na { path = /y; }");
  ASSERT_EQ(c.jails.size(), 3u);
  EXPECT_FALSE(c.jails[0].error);
  ASSERT_TRUE(c.jails[2].error);
  EXPECT_EQ(c.jails[2].error->what(), "a: test.conf:3:1: jail \"a\" is already defined at test.conf:1:1");
}

TEST(Expand, WildcardsAreNotJails) {
  Config c = parse_ok("* { persist; } \"a.*\" { } a { }");
  ASSERT_EQ(c.jails.size(), 1u);
  EXPECT_EQ(c.jails[0].name, "a");
}

TEST(Expand, SubstitutionCannotGrowWithoutBound) {
  std::string text = "$v0 = xxxxxxxxxxxxxxxx;";
  for (int i = 1; i < 24; ++i) text += fmt::format(" $v{} = \"$v{}$v{}\";", i, i - 1, i - 1);
  Config c = parse_ok(text + " a { path = \"/$v23\"; }");
  ASSERT_TRUE(jail_of(c, "a").error);
  EXPECT_NE(jail_of(c, "a").error->what().find("value longer than 1048576 bytes"), std::string::npos)
      << jail_of(c, "a").error->what();
}

TEST(Expand, SameParamRule) {
  EXPECT_TRUE(same_param("allow.mount", "allow.nomount"));
  EXPECT_TRUE(same_param("persist", "nopersist"));
  EXPECT_TRUE(same_param("allow.mount.nodevfs", "allow.mount.devfs"));
  EXPECT_FALSE(same_param("allow.mount", "allow.mount.devfs"));
  EXPECT_FALSE(same_param("host.hostname", "ip4.hostname"));
}

}  // namespace
}  // namespace jails::conf::test
