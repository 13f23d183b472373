// The pure parts: names, jail.conf quoting and the file jailctl create writes.
#include <gtest/gtest.h>

#include "storage/jail_conf_file.h"
#include "storage/name.h"

namespace jails::storage {
namespace {

TEST(Names, GoodAndBad) {
  struct Case {
    const char* text;
    bool good;
  } cases[] = {{"jails/web", true}, {"jails/web@s1", true}, {"a", true}, {"a.b:c-d_e", true},
               {"", false}, {"/a", false}, {"a/", false}, {"a//b", false}, {"..", false},
               {"a/../b", false}, {".jailctl", false}, {"a@", false}, {"a@b@c", false},
               {"a@b/c", false}, {"a b", false}, {"a\nb", false}};
  for (const auto& c : cases) EXPECT_EQ(parse_name(c.text).has_value(), c.good) << c.text;
  auto n = parse_name("jails/web@s1");
  ASSERT_TRUE(n);
  EXPECT_EQ(n->dataset, "jails/web");
  EXPECT_EQ(n->snapshot, "s1");
  EXPECT_EQ(n->parent(), "jails");
  EXPECT_FALSE(parse_name("a@s", 'd'));
  EXPECT_FALSE(parse_name("a", 's'));
  EXPECT_TRUE(name_within("a/b", "a"));
  EXPECT_FALSE(name_within("ab", "a"));
}

TEST(JailConf, Quoting) {
  EXPECT_EQ(quote_conf_value("plain"), "\"plain\"");
  EXPECT_EQ(quote_conf_value("a \"b\" $c \\d"), "\"a \\\"b\\\" \\$c \\\\d\"");
  EXPECT_EQ(quote_conf_value("l1\nl2\x01"), "\"l1\\nl2\\001\"");
}

TEST(JailConf, FileText) {
  JailConfFile f{"web", "/var/lib/jail/jails/web", "jails/web", "templates/base@template", "",
                 {{"host.hostname", "web.example.org"}, {"ip4.addr", "10.0.0.1"}, {"ip4.addr", "10.0.0.2"},
                  {"persist", std::nullopt}}};
  EXPECT_EQ(format_jail_conf(f),
            "# Written by jailctl create: a clone of templates/base@template.\n"
            "# jailctl: dataset=jails/web\n"
            "\"web\" {\n"
            "\tpath = \"/var/lib/jail/jails/web\";\n"
            "\thost.hostname = \"web.example.org\";\n"
            "\tip4.addr = \"10.0.0.1\";\n"
            "\tip4.addr += \"10.0.0.2\";\n"
            "\tpersist;\n"
            "}\n");
  EXPECT_EQ(dataset_of_conf(format_jail_conf(f)), "jails/web");
}

TEST(JailConf, Params) {
  EXPECT_TRUE(parse_param("host.hostname=a=b"));
  EXPECT_EQ(parse_param("host.hostname=a=b")->second, "a=b");
  EXPECT_FALSE(parse_param("path=/x"));
  EXPECT_TRUE(parse_param("persist"));
  EXPECT_FALSE(parse_param("persist")->second.has_value());
  EXPECT_FALSE(parse_param("=x"));
  EXPECT_FALSE(parse_param("bad name=x"));
  EXPECT_TRUE(check_jail_name("web-1"));
  EXPECT_FALSE(check_jail_name("../x"));
  EXPECT_FALSE(check_jail_name("42"));
  EXPECT_FALSE(check_jail_name("a/b"));
}

}  // namespace
}  // namespace jails::storage
