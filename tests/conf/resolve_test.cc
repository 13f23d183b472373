// Resolution to JailSpec: defaults, types, Linux refusals, every message with its place.
#include <gtest/gtest.h>

#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

TEST(Resolve, FreeBsdDefaults) {
  JailSpec s = spec_of("a { }", "a");
  EXPECT_EQ(s.name, "a");
  EXPECT_EQ(s.path, "/");
  EXPECT_TRUE(s.allowed("allow.set_hostname"));
  EXPECT_TRUE(s.allowed("allow.reserved_ports"));
  EXPECT_TRUE(s.allowed("allow.unprivileged_proc_debug"));
  EXPECT_TRUE(s.allowed("allow.suser"));
  EXPECT_FALSE(s.allowed("allow.raw_sockets"));
  EXPECT_FALSE(s.allowed("allow.mount"));
  EXPECT_EQ(s.stop_timeout, 10);
  EXPECT_EQ(s.enforce_statfs, 2);
  EXPECT_EQ(s.securelevel, -1);
  EXPECT_EQ(s.sysvmsg, NsMode::Disable);
  EXPECT_EQ(s.host, NsMode::New);
  EXPECT_EQ(s.vnet, NsMode::Inherit);
  EXPECT_FALSE(s.persist);
}

TEST(Resolve, VnetJailsHaveNoAddressRestrictions) {
  JailSpec s = spec_of("a { vnet = new; vnet.interface = e0b, e1b; ip4 = inherit; }", "a");
  EXPECT_EQ(s.vnet_interface, (std::vector<std::string>{"e0b", "e1b"}));
  EXPECT_EQ(s.vnet, NsMode::New);
  EXPECT_EQ(s.ip4, NsMode::Inherit);
  EXPECT_EQ(s.ip6, NsMode::Inherit);
}

TEST(Resolve, SysvipcMakesIpcInherit) {
  JailSpec s = spec_of("a { allow.sysvipc; sysvshm = disable; }", "a");
  EXPECT_EQ(s.sysvmsg, NsMode::Inherit);
  EXPECT_EQ(s.sysvsem, NsMode::Inherit);
  EXPECT_EQ(s.sysvshm, NsMode::Disable);
}

TEST(Resolve, TypedValues) {
  JailSpec s = spec_of(R"(a {
    path = /jails/a; host.hostname = a.example.org; ip4.addr = "em0|192.0.2.1/24", 192.0.2.2;
    ip6.addr = 2001:db8::1; enforce_statfs = 1;
    children.max = 3; exec.start = "/bin/sh /etc/rc"; exec.stop = ""; stop.timeout = 0;
    mount = "/src /jails/a/src nullfs ro 0 0"; exec.consolelog = /var/log/a.log; depend = b;
    meta = "k=v"; meta.x = 1; env.y = 2; exec.jail_user = www; ip4.nosaddrsel; persist;
  } b { })",
                       "a");
  EXPECT_EQ(s.path, "/jails/a");
  EXPECT_EQ(s.hostname, "a.example.org");
  EXPECT_EQ(s.ip4_addr, (std::vector<std::string>{"em0|192.0.2.1/24", "192.0.2.2"}));
  EXPECT_EQ(s.ip6_addr, std::vector<std::string>{"2001:db8::1"});
  EXPECT_EQ(s.enforce_statfs, 1);
  EXPECT_EQ(s.children_max, 3);
  EXPECT_EQ(s.exec_start, std::vector<std::string>{"/bin/sh /etc/rc"});
  EXPECT_TRUE(s.exec_stop.empty()) << "an empty command is skipped";
  EXPECT_EQ(s.stop_timeout, 0);
  EXPECT_EQ(s.mount, std::vector<std::string>{"/src /jails/a/src nullfs ro 0 0"});
  EXPECT_EQ(s.exec_consolelog, "/var/log/a.log");
  EXPECT_EQ(s.depend, std::vector<std::string>{"b"});
  EXPECT_EQ(s.meta, "k=v\nx=1\n");
  EXPECT_EQ(s.env, "y=2\n");
  EXPECT_EQ(s.exec_jail_user, "www");
  EXPECT_FALSE(s.ip4_saddrsel);
  EXPECT_TRUE(s.persist);
  EXPECT_FALSE(s.command_is_argv);
}

TEST(Resolve, ParamsInTableOrderWithCanonicalNames) {
  JailSpec s = spec_of("a { persist; allow.noraw_sockets; exec.start = x; path = /p; }", "a");
  std::vector<std::string> names;
  for (const auto& p : s.params) names.push_back(p.name);
  auto pos = [&](const std::string& n) { return std::find(names.begin(), names.end(), n) - names.begin(); };
  ASSERT_NE(s.find("allow.raw_sockets"), nullptr);
  EXPECT_EQ(s.find("allow.raw_sockets")->values, std::vector<std::string>{"false"});
  EXPECT_EQ(s.find("persist")->values, std::vector<std::string>{"true"});
  EXPECT_EQ(s.find("enforce_statfs")->values, std::vector<std::string>{"2"});
  EXPECT_EQ(s.find("sysvshm")->values, std::vector<std::string>{"disable"});
  EXPECT_EQ(s.find("exec.start")->values, std::vector<std::string>{"x"});
  EXPECT_EQ(s.find("jid"), nullptr);
  EXPECT_LT(pos("devfs_ruleset"), pos("path"));
  EXPECT_LT(pos("path"), pos("allow.raw_sockets"));
  EXPECT_LT(pos("allow.raw_sockets"), pos("exec.start"));
  EXPECT_EQ(s.find("allow.raw_sockets")->loc.line, 1);
}

TEST(Resolve, BooleanSpellings) {
  for (const char* t : {"persist;", "persist = true;", "persist = TRUE;", "persist = 1;", "persist 7;",
                        "nopersist = false;", "nopersist = 0;"})
    EXPECT_TRUE(spec_of(std::string("a { ") + t + " }", "a").persist) << t;
  for (const char* t : {"nopersist;", "persist = false;", "persist = 0;", "nopersist = true;"})
    EXPECT_FALSE(spec_of(std::string("a { ") + t + " }", "a").persist) << t;
}

TEST(Resolve, JailSysSpellings) {
  EXPECT_EQ(spec_of("a { vnet; }", "a").vnet, NsMode::New);
  EXPECT_EQ(spec_of("a { vnet = NEW; }", "a").vnet, NsMode::New);
  EXPECT_EQ(spec_of("a { vnet = 2; }", "a").vnet, NsMode::Inherit);
  EXPECT_EQ(spec_of("a { ip4 = inherit; }", "a").ip4, NsMode::Inherit);
  EXPECT_EQ(spec_of("a { ip6 = 0; }", "a").ip6, NsMode::Disable);
  EXPECT_EQ(spec_of("a { host = inherit; }", "a").host, NsMode::Inherit);
}

TEST(Resolve, DefaultOnlyValuesAreAccepted) {
  JailSpec s = spec_of("a { allow.raw_sockets = 0; allow.mount.zfs = false; allow.mount.nozfs; devfs_ruleset = 4;"
                       " exec.fib = 0; linux = inherit; }",
                       "a");
  EXPECT_EQ(s.devfs_ruleset, 4);
  EXPECT_EQ(s.exec_fib, 0);
  EXPECT_EQ(spec_of("a { devfs_ruleset = 0; }", "a").devfs_ruleset, 0);
}

TEST(Resolve, FromCommandLineCommandIsArgv) {
  auto j = from_arguments({"name=x", "command=/bin/echo", "a b"});
  ASSERT_TRUE(j);
  auto s = resolve(*j);
  ASSERT_TRUE(s) << s.error().what();
  EXPECT_TRUE(s->command_is_argv);
  EXPECT_EQ(s->command, (std::vector<std::string>{"/bin/echo", "a b"}));
}

struct ErrCase {
  const char* body;  // inside "j { ... }"
  const char* error;
};
inline void PrintTo(const ErrCase& c, std::ostream* os) { *os << c.body; }

class ResolveErrors : public ::testing::TestWithParam<ErrCase> {};
TEST_P(ResolveErrors, Message) {
  std::string text = std::string("j { ") + GetParam().body + " }";
  EXPECT_EQ(resolve_error(text, "j"), GetParam().error) << text;
}

INSTANTIATE_TEST_SUITE_P(
    Resolve, ResolveErrors,
    ::testing::Values(
        ErrCase{"persist = maybe;", "j: test.conf:1:5: persist: unknown boolean value \"maybe\""},
        ErrCase{"enforce_statfs = two;", "j: test.conf:1:5: enforce_statfs: non-integer value \"two\""},
        ErrCase{"stop.timeout = 10s;", "j: test.conf:1:5: stop.timeout: non-integer value \"10s\""},
        ErrCase{"allow.raw_socket;",
                "j: test.conf:1:5: unknown parameter \"allow.raw_socket\" (did you mean \"allow.raw_sockets\"?)"},
        ErrCase{"pesrist;", "j: test.conf:1:5: unknown parameter \"pesrist\" (did you mean \"persist\"?)"},
        ErrCase{"zzzzzzzzzz = 1;", "j: test.conf:1:5: unknown parameter \"zzzzzzzzzz\""},
        ErrCase{"path = jails/j;", "j: test.conf:1:5: path: jails/j: not an absolute pathname"},
        ErrCase{"exec.consolelog = log;", "j: test.conf:1:5: exec.consolelog: log: not an absolute pathname"},
        ErrCase{"enforce_statfs = 3;", "j: test.conf:1:5: enforce_statfs: value 3 out of range (0 to 2)"},
        ErrCase{"children.max = -1;", "j: test.conf:1:5: children.max: value -1 out of range (0 to 2147483647)"},
        ErrCase{"vnet = disable;", "j: test.conf:1:5: vnet: unknown jailsys value \"disable\" (expected inherit or new)"},
        ErrCase{"ip4 = maybe;",
                "j: test.conf:1:5: ip4: unknown jailsys value \"maybe\" (expected inherit, new or disable)"},
        ErrCase{"novnet;", "j: test.conf:1:5: unknown parameter \"novnet\" (did you mean \"vnet\"?)"},
        ErrCase{"ip4.addr = 300.1.1.1;", "j: test.conf:1:5: ip4.addr: not an IPv4 address: 300.1.1.1"},
        ErrCase{"ip6.addr = 10.0.0.1;", "j: test.conf:1:5: ip6.addr: not an IPv6 address: 10.0.0.1"},
        ErrCase{"ip4 = disable; ip4.addr = 10.0.0.1;", "j: test.conf:1:20: ip4.addr: cannot be set with ip4=disable"},
        ErrCase{"vnet.interface = e0b;", "j: test.conf:1:5: vnet.interface: requires vnet"},
        ErrCase{"vnet; ip4.addr = 10.0.0.1;", "j: test.conf:1:11: ip4.addr: vnet jails cannot have IP address restrictions"},
        ErrCase{"vnet; ip6 = disable;", "j: test.conf:1:11: ip6: vnet jails cannot have IP address restrictions"},
        ErrCase{"mount.devfs;", "j: test.conf:1:5: mount.devfs: no path"},
        ErrCase{"host = inherit; host.hostname = x;",
                "j: test.conf:1:21: host.hostname: cannot be set with host=inherit"},
        ErrCase{"sysvmsg = new; sysvshm = inherit;",
                "j: test.conf:1:20: sysvshm: inherit with sysvmsg=new: Linux has one IPC namespace for message "
                "queues, semaphores and shared memory"},
        ErrCase{"mount = \"/a /b\";", "j: test.conf:1:5: mount: \"/a /b\": missing information"},
        ErrCase{"children.cur = 1;", "j: test.conf:1:5: children.cur: read-only parameter"},
        ErrCase{"devfs_ruleset = 13;",
                "j: test.conf:1:5: devfs_ruleset: value \"13\" is not supported on Linux (0 = none, 4 = "
                "devfsrules_jail, 5 = devfsrules_jail_vnet (4 plus pf, which Linux lacks): all give the minimal "
                "private /dev; other rulesets have no equivalent); accepted: 0,4,5"},
        ErrCase{"allow.mount.zfs;",
                "j: test.conf:1:5: allow.mount.zfs: value \"true\" is not supported on Linux (ZFS datasets "
                "cannot be delegated to a jail here); accepted: false"},
        ErrCase{"osrelease = 13.2-RELEASE;",
                "j: test.conf:1:5: osrelease: not supported on Linux (Linux has no per-jail uname -r)"},
        ErrCase{"zfs.dataset = tank/j;",
                "j: test.conf:1:5: zfs.dataset: value \"tank/j\" is not supported on Linux (ZFS datasets cannot be "
                "attached to a jail here (no zfs jail); use jailctl datasets as path); accepted: none"},
        ErrCase{"host.hostname = $h;", "j: test.conf:1:5: host.hostname: variable \"h\" not found"}));

TEST(Resolve, NumericNameMustBeTheJid) {
  EXPECT_EQ(resolve_error("7 { jid = 8; }", "7"), "7: test.conf:1:5: cannot redefine parameter \"jid\".");
  EXPECT_EQ(resolve_error("8 { name = 9; }", "8"),
            "8: test.conf:1:5: name: \"9\": name cannot be numeric (unless it is the jid)");
  auto j = from_arguments({"name=5", "persist"});
  ASSERT_TRUE(j);
  auto s = resolve(*j);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().what(), "5: name: \"5\": name cannot be numeric (unless it is the jid)");
  EXPECT_TRUE(resolve(*from_arguments({"name=5", "jid=5", "persist"})));
}

TEST(Resolve, CommandLineErrorsHaveNoFilePosition) {
  auto j = from_arguments({"name=x", "persist=maybe"});
  ASSERT_TRUE(j);
  auto s = resolve(*j);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().what(), "x: persist: unknown boolean value \"maybe\"");
}

}  // namespace
}  // namespace jails::conf::test
