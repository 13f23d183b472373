// plan_network and address parsing: pure, table-driven.
#include <gtest/gtest.h>
#include <sys/socket.h>

#include "netns_fixture.h"

namespace jails::net::test {
namespace {

TEST(Address, ParsesAndCanonicalises) {
  struct Case { const char* text; int family; const char* cidr; };
  for (auto c : {Case{"192.0.2.1", AF_INET, "192.0.2.1/32"}, Case{"192.0.2.1/24", AF_INET, "192.0.2.1/24"},
                 Case{"192.0.2.1/255.255.255.0", AF_INET, "192.0.2.1/24"},
                 Case{"2001:DB8:0::1", AF_INET6, "2001:db8::1/128"},
                 Case{"2001:db8::1/64", 0, "2001:db8::1/64"}}) {
    auto a = parse_addr(c.text, c.family);
    ASSERT_TRUE(a) << c.text << ": " << a.error().what();
    EXPECT_EQ(a->cidr(), c.cidr);
  }
  for (auto bad : {"192.0.2", "192.0.2.1/33", "192.0.2.1/255.0.255.0", "1.2.3.4/-1", "::1/129", "web"})
    EXPECT_FALSE(parse_addr(bad, 0)) << bad;
  EXPECT_FALSE(parse_addr("2001:db8::1", AF_INET));
}

TEST(Address, ElementForms) {
  auto e = parse_addr_element("em0|192.0.2.10/24", AF_INET);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->ifname, "em0");
  EXPECT_EQ(e->addr.cidr(), "192.0.2.10/24");
  e = parse_addr_element("192.0.2.10 vhid 1", AF_INET);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->extra, "vhid 1");
  EXPECT_FALSE(parse_addr_element("|192.0.2.10", AF_INET));
  EXPECT_FALSE(parse_addr_element("averyveryverylongname|192.0.2.10", AF_INET));
}

TEST(Address, DerivedMacIsStableLocalAndDistinct) {
  auto a = derived_mac("web", 'j'), b = derived_mac("web", 'j'), c = derived_mac("web2", 'j');
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_EQ(a[0] & 0x03, 0x02);  // locally administered, unicast
  EXPECT_NE(derived_mac("web", 'h'), a);
}

std::string plan_error(const conf::JailSpec& s) {
  auto p = plan_network(s);
  return p ? "" : p.error().what();
}

TEST(Plan, AddressesWithInterfaces) {
  auto s = spec("web", {"192.0.2.1", "em1|192.0.2.2/24"}, {"2001:db8::1"});
  s.interface = "em0";
  auto p = plan_network(s);
  ASSERT_TRUE(p) << p.error().what();
  ASSERT_EQ(p->ip4_addrs.size(), 2u);
  EXPECT_EQ(p->ip4_addrs[0].ifname, "em0");
  EXPECT_EQ(p->ip4_addrs[1].ifname, "em1");
  EXPECT_EQ(p->ip4_addrs[1].addr.prefix, 24);
  EXPECT_EQ(p->canonical(AF_INET), (std::vector<std::string>{"192.0.2.1", "192.0.2.2"}));
  EXPECT_EQ(p->canonical(AF_INET6), (std::vector<std::string>{"2001:db8::1"}));
  EXPECT_TRUE(p->needs_hooks());
  EXPECT_TRUE(p->restricts(AF_INET));
}

TEST(Plan, BadInputNamesTheParameter) {
  struct Case { std::function<void(conf::JailSpec&)> set; const char* expect; };
  std::vector<Case> cases = {
      {[](auto& s) { s.ip4_addr = {"10.0.0.300"}; }, "ip4.addr: \"10.0.0.300\" is not an IPv4 address"},
      {[](auto& s) { s.ip6_addr = {"10.0.0.3"}; }, "ip6.addr: \"10.0.0.3\" is not an IPv6 address"},
      {[](auto& s) { s.ip4_addr = {"10.0.0.3 vhid 3"}; }, "ip4.addr: \"10.0.0.3 vhid 3\": extra interface arguments"},
      {[](auto& s) { s.ip4_addr = {"10.0.0.3", "10.0.0.3/24"}; }, "ip4.addr: 10.0.0.3 is listed twice"},
      {[](auto& s) { s.ip4_addr = {"0.0.0.0"}; }, "ip4.addr: \"0.0.0.0\": the unspecified address"},
      {[](auto& s) { s.ip4_addr = {"10.0.0.3"}; s.ip4 = conf::NsMode::Disable; }, "ip4.addr: addresses given but ip4 = disable"},
      {[](auto& s) { s.ip6_addr = {"::2"}; s.ip6 = conf::NsMode::Inherit; }, "ip6.addr: addresses given but ip6 = inherit"},
      {[](auto& s) { s.vnet_interface = {"eth1"}; }, "vnet.interface: \"eth1\" given but vnet is not new"},
      {[](auto& s) { set_param(s, "x.veth", {"true"}); }, "need vnet = new"},
      {[](auto& s) { s.vnet = conf::NsMode::New; s.ip4_addr = {"10.0.0.2"}; },
       "ip4.addr: vnet jails cannot have IP address restrictions (use x.veth.addr)"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth.addr", {"10.0.0.2/24"}); },
       "x.veth.addr: 10.0.0.2 names no interface (IF|ADDR) and there is no x.veth"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth", {"true"}); set_param(s, "x.veth.addr", {"10.0.0/24"}); },
       "x.veth.addr: \"10.0.0\" is not an IP address"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.bridge", {"br0"}); }, "need x.veth"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth", {"maybe"}); }, "x.veth: unknown boolean value \"maybe\""},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth", {"true"}); set_param(s, "x.rdr", {"icmp 8080"}); },
       "x.rdr: \"icmp 8080\": protocol \"icmp\" is not tcp or udp"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth", {"true"}); set_param(s, "x.bridge", {"br0"});
                     set_param(s, "x.bridge.addr", {"10.1.1"}); }, "x.bridge.addr: \"10.1.1\" is not an IP address"},
      {[](auto& s) { s.vnet = conf::NsMode::New; set_param(s, "x.veth", {"true"});
                     set_param(s, "x.defaultrouter", {"fe80::1"}); }, "x.defaultrouter: \"fe80::1\" is not an IPv4 address"},
  };
  for (const auto& c : cases) {
    auto s = spec("web", {});
    c.set(s);
    std::string e = plan_error(s);
    EXPECT_NE(e.find(c.expect), std::string::npos) << "got: " << e << "\nwanted: " << c.expect;
  }
}

TEST(Plan, VnetExtensions) {
  auto s = spec("web", {});
  s.vnet = conf::NsMode::New;
  set_param(s, "x.veth.addr", {"10.99.0.2/24"});
  set_param(s, "x.veth", {"true"});
  set_param(s, "x.bridge", {"jbr0"});
  set_param(s, "x.bridge.addr", {"10.99.0.1/24", "fd99::1/64"});
  set_param(s, "x.nat", {"true"});
  set_param(s, "x.rdr", {"tcp 8080 80", "udp 5300-5310"});
  auto p = plan_network(s);
  ASSERT_TRUE(p) << p.error().what();
  EXPECT_FALSE(p->needs_hooks());  // own stack: nothing to pin
  EXPECT_EQ(p->veth_host, "vjweb");
  EXPECT_EQ(p->veth_jail, "eth0");
  ASSERT_TRUE(p->gw4);
  EXPECT_EQ(p->gw4->str(), "10.99.0.1");
  ASSERT_TRUE(p->gw6);
  EXPECT_EQ(p->gw6->str(), "fd99::1");
  EXPECT_EQ(p->rdr.size(), 2u);
  s.name = "a-rather-long-jail-name";
  p = plan_network(s);
  ASSERT_TRUE(p);
  EXPECT_LE(p->veth_host.size(), 15u);
  auto other = s;
  other.name = "a-rather-long-jail-other";
  EXPECT_NE(p->veth_host, plan_network(other)->veth_host);
}

TEST(Plan, AddressUsedByAnotherJail) {
  auto p = plan_network(spec("web", {"lo|192.0.2.1/24"}, {"2001:db8::1"}));
  ASSERT_TRUE(p);
  EXPECT_TRUE(check_address_free(*p, "db", {"192.0.2.2", "2001:db8::2"}));
  auto r = check_address_free(*p, "db", {"192.0.2.9", "em0|192.0.2.1/24"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "ip4.addr: 192.0.2.1 is used by jail db");
  r = check_address_free(*p, "db", {"2001:DB8::1"});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "ip6.addr: 2001:db8::1 is used by jail db");
}

}  // namespace
}  // namespace jails::net::test

namespace jails::net::test {
namespace {

TEST(Plan, IpHostnameAppendsResolvedAddresses) {
  auto p = plan_network(spec("web", {"192.0.2.1"}));
  ASSERT_TRUE(p);
  ASSERT_TRUE(add_hostname_addresses(*p, "localhost"));  // /etc/hosts: 127.0.0.1 (and ::1)
  ASSERT_GE(p->ip4_addrs.size(), 2u);
  EXPECT_EQ(p->ip4_addrs[0].addr.str(), "192.0.2.1");  // the primary stays first
  EXPECT_EQ(p->ip4_addrs[1].addr.str(), "127.0.0.1");
  auto r = add_hostname_addresses(*p, "no-such-host.invalid");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().what().find("ip_hostname: no-such-host.invalid"), std::string::npos);
}

}  // namespace
}  // namespace jails::net::test
