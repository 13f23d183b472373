// x.rdr grammar and the nftables text, byte for byte (pure).
#include <gtest/gtest.h>

#include "net/rdr.h"
#include "netns_fixture.h"

namespace jails::net::test {
namespace {

TEST(Rdr, Grammar) {
  auto r = parse_rdr("tcp 8080 80");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->port_lo, 8080);
  EXPECT_EQ(r->jail_lo, 80);
  EXPECT_FALSE(r->host);
  r = parse_rdr("udp 192.0.2.1:5300-5310");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->host->str(), "192.0.2.1");
  EXPECT_EQ(r->port_hi, 5310);
  EXPECT_EQ(r->jail_lo, 5300);
  r = parse_rdr("tcp [2001:db8::1]:443 8443");
  ASSERT_TRUE(r) << r.error().what();
  EXPECT_EQ(r->host->str(), "2001:db8::1");
  for (auto bad : {"tcp", "sctp 80", "tcp 0", "tcp 70000", "tcp 90-80", "tcp 80-90 100-110",
                   "tcp 80 81-82", "tcp 300.1.1.1:80", "tcp [::1:80", "tcp 80 81 82"})
    EXPECT_FALSE(parse_rdr(bad)) << bad;
}

NetPlan vnet_plan(const std::string& name, std::vector<std::string> rdr, bool nat) {
  auto s = spec(name, {});
  s.vnet = conf::NsMode::New;
  set_param(s, "x.veth.addr", {"10.99.0.2/24", "fd99::2/64"});
  set_param(s, "x.veth", {"true"});
  set_param(s, "x.bridge", {"jbr0"});
  set_param(s, "x.rdr", std::move(rdr));
  set_param(s, "x.nat", {nat ? "true" : "false"});
  return *plan_network(s);
}

TEST(Rdr, RuleText) {
  auto p = vnet_plan("web", {"tcp 192.0.2.1:8080 80"}, true);
  EXPECT_EQ(nft_rule_commands(p),
            "add rule inet jails prerouting ip daddr 192.0.2.1 tcp dport 8080 dnat ip to 10.99.0.2:80 "
            "comment \"jail=web rdr=tcp/192.0.2.1/8080-8080\"\n"
            "add rule inet jails output ip daddr 192.0.2.1 tcp dport 8080 dnat ip to 10.99.0.2:80 "
            "comment \"jail=web rdr=tcp/192.0.2.1/8080-8080\"\n"
            "add rule inet jails postrouting ip saddr 10.99.0.2 oifname != \"jbr0\" masquerade "
            "comment \"jail=web nat\"\n"
            "add rule inet jails postrouting ip6 saddr fd99::2 oifname != \"jbr0\" masquerade "
            "comment \"jail=web nat\"\n");
  p = vnet_plan("web", {"udp 5300-5301"}, false);
  std::string text = nft_rule_commands(p);
  EXPECT_NE(text.find("prerouting meta nfproto ipv4 fib daddr type local ip daddr != 127.0.0.0/8 "
                      "udp dport 5300-5301 dnat ip to 10.99.0.2 comment"), std::string::npos) << text;
  EXPECT_NE(text.find("dnat ip6 to [fd99::2] comment"), std::string::npos) << text;
}

TEST(Rdr, ClashWithAnotherJail) {
  auto listing = R"({"nftables": [{"metainfo": {}}, {"table": {"family": "inet", "name": "jails"}},
    {"rule": {"family": "inet", "table": "jails", "chain": "prerouting", "handle": 7,
              "comment": "jail=db rdr=tcp/*/8080-8090", "expr": []}},
    {"rule": {"family": "inet", "table": "jails", "chain": "postrouting", "handle": 9,
              "comment": "jail=db nat", "expr": []}}]})";
  auto rules = parse_nft_listing(listing);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].handle, 7);
  EXPECT_EQ(rules[1].chain, "postrouting");
  EXPECT_TRUE(check_rdr_free(vnet_plan("web", {"tcp 8091 80", "udp 8080 80"}, false), rules));
  auto r = check_rdr_free(vnet_plan("web", {"tcp 192.0.2.1:8085 80"}, false), rules);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().what(), "x.rdr: \"tcp 192.0.2.1:8085 80\": tcp 8080-8090 is already redirected to jail db");
  EXPECT_TRUE(check_rdr_free(vnet_plan("db", {"tcp 8085 80"}, false), rules));  // its own rules
}

}  // namespace
}  // namespace jails::net::test
