// jail(8) form A: parameters on the command line.
#include <gtest/gtest.h>

#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

JailConf args(std::vector<std::string> a) {
  auto r = from_arguments(a);
  EXPECT_TRUE(r) << (r ? "" : r.error().what());
  return r ? *r : JailConf{};
}

TEST(Arguments, FreeBsdBasicTest) {
  JailConf j = args({"name=basejail", "persist", "ip4.addr=192.0.1.1"});
  EXPECT_EQ(j.name, "basejail");
  EXPECT_EQ(value_of(j, "persist"), "");
  EXPECT_EQ(value_of(j, "ip4.addr"), "192.0.1.1");
  auto s = resolve(j);
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_TRUE(s->persist);
  EXPECT_EQ(s->ip4_addr, std::vector<std::string>{"192.0.1.1"});
}

TEST(Arguments, CommaListsSplit) {
  JailConf j = args({"name=x", "vnet", "vnet.interface=e0b,e1b", "ip4.addr=10.0.0.1,10.0.0.2",
                     "ip6.addr=::1", "depend=a,b", "host.hostname=a,b"});
  EXPECT_EQ(value_of(j, "vnet.interface"), "e0b,e1b");
  EXPECT_EQ(j.find("vnet.interface")->values.size(), 2u);
  EXPECT_EQ(j.find("ip4.addr")->values.size(), 2u);
  EXPECT_EQ(j.find("depend")->values.size(), 2u);
  EXPECT_EQ(j.find("host.hostname")->values.size(), 1u) << "only list parameters split";
}

TEST(Arguments, CommandTakesTheRestVerbatim) {
  JailConf j = args({"path=/", "command=setaudit", "-m", "fr", "ls", "name=notaparam"});
  EXPECT_EQ(j.find("command")->values,
            (std::vector<std::string>{"setaudit", "-m", "fr", "ls", "name=notaparam"}));
  JailConf k = args({"name=y", "command", "/bin/sh", "-c", "echo hi"});
  EXPECT_EQ(k.find("command")->values, (std::vector<std::string>{"/bin/sh", "-c", "echo hi"}));
  EXPECT_TRUE(k.from_command_line);
}

TEST(Arguments, RepeatingAppendsAndNoPrefixNegates) {
  JailConf j = args({"name=x", "ip4.addr=10.0.0.1", "ip4.addr=10.0.0.2", "persist", "nopersist"});
  EXPECT_EQ(value_of(j, "ip4.addr"), "10.0.0.1,10.0.0.2");
  auto s = resolve(j);
  ASSERT_TRUE(s);
  EXPECT_FALSE(s->persist);
}

TEST(Arguments, NoNameUsesJid) {
  JailConf j = args({"jid=5", "persist"});
  EXPECT_EQ(j.name, "5");
  auto s = resolve(j);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->name, "5");
  EXPECT_EQ(s->jid, 5);
  JailConf anon = args({"path=/", "command=/usr/bin/true"});
  EXPECT_EQ(anon.name, "");
  EXPECT_TRUE(resolve(anon));
}

TEST(Arguments, NameCannotBeGivenTwice) {
  auto r = from_arguments({"name=a", "name=b"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "command line:0:0: cannot redefine parameter \"name\".");
}

TEST(Arguments, DollarIsLiteral) {
  JailConf j = args({"name=x", "exec.start=echo $HOME"});
  EXPECT_EQ(value_of(j, "exec.start"), "echo $HOME");
}

}  // namespace
}  // namespace jails::conf::test
