// jail -e: byte for byte as FreeBSD's print_jail.
#include <gtest/gtest.h>

#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

// FreeBSD usr.sbin/jail/tests/jail_config_test.sh, case "expansion".
TEST(Exhibit, FreeBsdExpansionTest) {
  Config c = parse_ok(R"($root = "/srv";
$empty = "";
a {
	path = "$root/${name}";
	host.hostname = "pre${empty}post";
	exec.start = "${empty}";
}
a.child {
	path = "$root/${name}";
	host.hostname = "${empty}child${empty}";
}
)");
  EXPECT_EQ(exhibit(c, "|"),
            "name=a|path=/srv/a|host.hostname=prepost|exec.start=\"\"\n"
            "name=a.child|path=/srv/a.child|host.hostname=child\n");
}

// Same file, case "large_expansion": strings of 8 KiB.
TEST(Exhibit, FreeBsdLargeExpansionTest) {
  std::string x(8192, 'x');
  Config c = parse_ok("$long = \"" + x + "\";\ngrowth {\n\tpath = \"prefix${long}middle${long}suffix\";\n}\n");
  EXPECT_EQ(exhibit(c, "|"), "name=growth|path=prefix" + x + "middle" + x + "suffix\n");
}

TEST(Exhibit, BooleansListsQuotingAndNoJid) {
  Config c = parse_ok(R"(7 { persist; allow.nomount; ip4.addr = 10.0.0.1, 10.0.0.2;
    exec.start = "/bin/sh /etc/rc"; exec.stop = 'say "hi"'; x = "it's"; t = "a	b"; b = 'a\\b'; })");
  EXPECT_EQ(exhibit(jail_of(c, "7"), " "),
            "persist allow.nomount ip4.addr=10.0.0.1,10.0.0.2 exec.start=\"/bin/sh /etc/rc\" "
            "exec.stop='say \"hi\"' x=\"it's\" t=\"a\tb\" b=a\\\\b name=7\n");
}

TEST(Exhibit, PrintsEvenWithUnresolvedVariables) {
  Config c = parse_ok("a { path = \"/j/$nope\"; }");
  ASSERT_TRUE(jail_of(c, "a").error);
  EXPECT_EQ(exhibit(c, ","), "name=a,path=/j/\n");
}

TEST(Exhibit, QuoteValue) {
  EXPECT_EQ(quote_value(""), "\"\"");
  EXPECT_EQ(quote_value("plain"), "plain");
  EXPECT_EQ(quote_value("a b"), "\"a b\"");
  EXPECT_EQ(quote_value("a'b\"c"), "\"a'b\\\"c\"");
}

}  // namespace
}  // namespace jails::conf::test
