// VNET jails for real, inside a test namespace standing in for the host: veths on a test
// bridge, a port redirection, vnet.interface, cleanup after a crash (privileged).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>

#include "net/rdr.h"
#include "net/rtnl.h"
#include "netns_fixture.h"

namespace jails::net::test {
namespace {

#define CHECK_OK(expr)                                              \
  do {                                                              \
    auto r_ = (expr);                                               \
    if (!r_) return std::string(#expr ": ") + err(r_.error());      \
  } while (0)

// A new network namespace held by an fd only (what the jail's pid 1 would hold).
int new_netns() {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  unshare(CLONE_NEWNET);
  int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  setns(self, CLONE_NEWNET);
  close(self);
  return fd;
}

// Runs f with this thread in netns fd (sockets made there stay there).
template <class F>
auto in_ns(int fd, F f) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  setns(fd, CLONE_NEWNET);
  auto r = f();
  setns(self, CLONE_NEWNET);
  close(self);
  return r;
}

NetPlan vnet_plan(const std::string& tag, const std::string& addr, const std::string& bridge,
                  std::vector<std::string> rdr = {}) {
  auto s = spec(unique(tag), {});
  s.vnet = conf::NsMode::New;
  s.ip4 = s.ip6 = conf::NsMode::Inherit;  // as conf/ resolves a vnet jail
  set_param(s, "x.veth.addr", {addr});
  set_param(s, "x.veth", {"true"});
  set_param(s, "x.bridge", {bridge});
  set_param(s, "x.bridge.addr", {"10.213.0.1/24"});
  set_param(s, "x.nat", {"true"});
  set_param(s, "x.rdr", std::move(rdr));
  auto p = plan_network(s);
  if (!p) ADD_FAILURE() << p.error().what();
  return *p;
}

bool host_has_link(const std::string& name) {
  auto nl = Rtnl::open();
  auto i = nl->link_index(name);
  return i && *i;
}

std::string mac_in(int ns, const std::string& ifname) {
  return in_ns(ns, [&] {
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, IFNAMSIZ, "%s", ifname.c_str());
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int r = ioctl(s, SIOCGIFHWADDR, &ifr);
    close(s);
    std::array<uint8_t, 6> m;
    std::memcpy(m.data(), ifr.ifr_hwaddr.sa_data, 6);
    return r < 0 ? std::string("?") : mac_str(m);
  });
}

TEST(Vnet, TwoJailsOnABridgeAndARedirection) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    std::string bridge = unique("nbr");
    int j1 = new_netns(), j2 = new_netns(), j3 = new_netns();
    auto p1 = vnet_plan("v1", "10.213.0.2/24", bridge, {"tcp 8080 80"});
    auto p2 = vnet_plan("v2", "10.213.0.3/24", bridge);
    CHECK_OK(setup_vnet(j1, p1));
    CHECK_OK(setup_vnet(j2, p2));
    if (!p1.bridge_made || p2.bridge_made) return "the first jail should have made the bridge";
    if (mac_in(j1, "eth0") != mac_str(derived_mac(p1.jail, 'j'))) return "jail MAC is not derived from its name";
    int e = 0;
    int srv = in_ns(j1, [&] { return bound_socket(AF_INET, SOCK_STREAM, "0.0.0.0", 80, &e); });
    if (srv < 0) return "listen in jail 1";
    // jail 2 -> jail 1 over the bridge
    int c = in_ns(j2, [&] { return connected_socket(AF_INET, SOCK_STREAM, "10.213.0.2", 80, &e); });
    if (c < 0) return fmt::format("jail 2 to jail 1: {}", strerror(e));
    int a = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
    if (!peername(a).starts_with("10.213.0.3:")) return "jail 1 saw " + peername(a);
    close(a), close(c);
    // loopback is up in the jail
    c = in_ns(j1, [&] { return connected_socket(AF_INET, SOCK_STREAM, "127.0.0.1", 80, &e); });
    if (c < 0) return fmt::format("lo in jail 1: {}", strerror(e));
    close(accept4(srv, nullptr, nullptr, SOCK_CLOEXEC)), close(c);
    // the host reaches jail 1 through x.rdr = "tcp 8080 80"
    c = connected_socket(AF_INET, SOCK_STREAM, "10.213.0.1", 8080, &e);
    if (c < 0) return fmt::format("host to the redirected port: {}", strerror(e));
    a = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
    if (a < 0) return "redirected connection not accepted in jail 1";
    close(a), close(c), close(srv);
    // a third jail asking for the same port: a clear error, nothing left behind
    auto p3 = vnet_plan("v3", "10.213.0.4/24", bridge, {"tcp 8080 80"});
    auto r = setup_vnet(j3, p3);
    if (r) return "a port redirected twice was accepted";
    if (err(r.error()).find("is already redirected to jail " + p1.jail) == std::string::npos)
      return "unclear error: " + err(r.error());
    if (host_has_link(p3.veth_host)) return "the failed jail left its veth";
    CHECK_OK(teardown_vnet(j1, p1));  // the bridge still has jail 2: it stays
    if (!host_has_link(bridge)) return "bridge removed while jail 2 uses it";
    CHECK_OK(teardown_vnet(j2, p2));
    for (const auto& n : {p1.veth_host, p2.veth_host, bridge})
      if (host_has_link(n)) return "left behind: " + n;
    auto rules = nft_list_rules();
    CHECK_OK(rules);
    if (!rules->empty()) return "nft rules left behind";
    close(j1), close(j2), close(j3);
    return "";
  }));
}

// x.nat: a jail on the private bridge reaches an "outside" namespace, seen there as the
// host's outside address; and IPv6 redirection to the jail.
TEST(Vnet, NatOutAndIPv6Redirection) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    std::ofstream("/proc/sys/net/ipv4/ip_forward") << "1";  // this test namespace's only
    std::string out_if = unique("nout"), bridge = unique("nbn");
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int outside = new_netns(), j = new_netns();
    auto host = Rtnl::open();
    CHECK_OK(host->add_veth(out_if, derived_mac(out_if, 0), "eth1", derived_mac(out_if, 1), outside));
    auto o = Rtnl::open_in(outside);
    if (!o) return err(o.error());
    int hi = *host->link_index(out_if).value(), oi = *o->link_index("eth1").value();
    CHECK_OK(host->address(true, hi, out_if, *parse_addr("10.214.0.1/24", 0)));
    CHECK_OK(o->address(true, oi, "eth1", *parse_addr("10.214.0.2/24", 0)));
    CHECK_OK(host->link_up(hi, out_if));
    CHECK_OK(o->link_up(oi, "eth1"));
    auto s = spec(unique("vn"), {});
    s.vnet = conf::NsMode::New;
    s.ip4 = s.ip6 = conf::NsMode::Inherit;
    set_param(s, "x.veth", {"true"});
    set_param(s, "x.veth.addr", {"10.213.0.2/24", "fd13::2/64"});
    set_param(s, "x.bridge", {bridge});
    set_param(s, "x.bridge.addr", {"10.213.0.1/24", "fd13::1/64"});
    set_param(s, "x.nat", {"true"});
    set_param(s, "x.rdr", {"tcp [fd13::1]:8080 80"});
    auto p = plan_network(s);
    CHECK_OK(p);
    CHECK_OK(setup_vnet(j, *p));
    int e = 0;
    int srv = in_ns(outside, [&] { return bound_socket(AF_INET, SOCK_STREAM, "10.214.0.2", 9000, &e); });
    int c = in_ns(j, [&] { return connected_socket(AF_INET, SOCK_STREAM, "10.214.0.2", 9000, &e); });
    if (c < 0) return fmt::format("jail to the outside: {}", strerror(e));
    int a = accept4(srv, nullptr, nullptr, SOCK_CLOEXEC);
    std::string seen = a >= 0 ? peername(a) : "nothing";
    if (!seen.starts_with("10.214.0.1:")) return "the outside saw the jail as " + seen;
    close(a), close(c), close(srv);
    int srv6 = in_ns(j, [&] { return bound_socket(AF_INET6, SOCK_STREAM, "::", 80, &e); });
    c = connected_socket(AF_INET6, SOCK_STREAM, "fd13::1", 8080, &e);
    if (c < 0) return fmt::format("host to [fd13::1]:8080: {}", strerror(e));
    a = accept4(srv6, nullptr, nullptr, SOCK_CLOEXEC);
    if (a < 0) return "IPv6 redirection not accepted in the jail";
    close(a), close(c), close(srv6);
    CHECK_OK(teardown_vnet(j, *p));
    CHECK_OK(host->link_delete(hi, out_if));
    auto rules = nft_list_rules();
    CHECK_OK(rules);
    if (!rules->empty() || host_has_link(bridge)) return "left behind";
    close(j), close(outside), close(self);
    return "";
  }));
}

TEST(Vnet, InterfaceMovedInAndBack) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    std::string x0 = unique("nx0"), x1 = unique("nx1");
    int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    auto nl = Rtnl::open();
    CHECK_OK(nl->add_veth(x0, derived_mac(x0, 0), x1, derived_mac(x1, 0), self));
    int j = new_netns();
    auto s = spec(unique("vi"), {});
    s.vnet = conf::NsMode::New;
    s.vnet_interface = {x1};
    auto p = plan_network(s);
    CHECK_OK(p);
    CHECK_OK(setup_vnet(j, *p));
    if (host_has_link(x1)) return x1 + " still on the host";
    if (!in_ns(j, [&] { return host_has_link(x1); })) return x1 + " not in the jail";
    CHECK_OK(teardown_vnet(j, *p));
    if (!host_has_link(x1)) return x1 + " not returned";
    // a missing vnet.interface: error, and nothing moved
    s.vnet_interface = {x1, "nosuch0"};
    p = plan_network(s);
    auto r = setup_vnet(j, *p);
    if (r || err(r.error()).find("vnet.interface: interface \"nosuch0\" does not exist") == std::string::npos)
      return "expected a vnet.interface error, got: " + (r ? std::string("success") : err(r.error()));
    if (!host_has_link(x1)) return x1 + " not returned after the failure";
    CHECK_OK(nl->link_delete(*nl->link_index(x0).value(), x0));
    close(j), close(self);
    return "";
  }));
}

TEST(Vnet, CleanupAfterACrash) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    std::string bridge = unique("nbc");
    int j = new_netns();
    auto p = vnet_plan("vc", "10.213.0.2/24", bridge, {"tcp 8081 80"});
    CHECK_OK(setup_vnet(j, p));
    nlohmann::json state = nlohmann::json::parse(undo_state(p).dump());  // through the record
    close(j);  // the jail's pid 1 died: its namespace goes, nobody ran teardown
    CHECK_OK(cleanup(state));
    for (const auto& n : {p.veth_host, bridge})
      if (host_has_link(n)) return "left behind: " + n;
    auto rules = nft_list_rules();
    CHECK_OK(rules);
    return rules->empty() ? "" : "nft rules left behind";
  }));
}

}  // namespace
}  // namespace jails::net::test
