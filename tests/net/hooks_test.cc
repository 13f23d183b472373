// Shared-stack jails for real: aliases on lo of a test namespace, hooks on test cgroups,
// sockets made from inside the cgroups (privileged).
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "net/rtnl.h"
#include "netns_fixture.h"

namespace jails::net::test {
namespace {

#define CHECK_OK(expr)                                              \
  do {                                                              \
    auto r_ = (expr);                                               \
    if (!r_) return std::string(#expr ": ") + err(r_.error());      \
  } while (0)
#define CHECK_EQ_S(a, b)                                                              \
  do {                                                                                \
    auto va_ = (a);                                                                   \
    auto vb_ = (b);                                                                   \
    if (va_ != vb_) return fmt::format("line {}: {} is {}, expected {}", __LINE__, #a, va_, vb_); \
  } while (0)

std::string host_alias(const char* cidr) {
  auto nl = Rtnl::open();
  if (!nl) return err(nl.error());
  auto a = parse_addr(cidr, 0);
  auto r = nl->address(true, 1, "lo", *a);
  return r ? "" : err(r.error());
}

Result<NetPlan> jail(const std::string& tag, std::vector<std::string> ip4, std::vector<std::string> ip6 = {}) {
  auto s = spec(unique(tag), std::move(ip4), std::move(ip6));
  return plan_network(s);
}

std::string accepted_peer(int listener) {
  int c = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  if (c < 0) return "accept failed";
  std::string p = peername(c);
  close(c);
  return p;
}

TEST(SharedStack, TwoJailsOnPort80AndTheirLimits) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    if (auto r = host_alias("127.0.13.9/32"); !r.empty()) return r;
    auto a = jail("na", {"lo|127.0.13.1"});
    auto b = jail("nb", {"lo|127.0.13.2"});
    CHECK_OK(a);
    CHECK_OK(b);
    CHECK_OK(add_addresses(*a));
    CHECK_OK(add_addresses(*b));
    TestCgroup cga("na"), cgb("nb");
    CHECK_OK(attach_socket_hooks(cga.fd(), *a));
    CHECK_OK(attach_socket_hooks(cgb.fd(), *b));
    int e = 0;
    int host_srv = bound_socket(AF_INET, SOCK_STREAM, "127.0.13.9", 9000, &e);
    int host_udp = bound_socket(AF_INET, SOCK_DGRAM, "127.0.13.9", 9001, &e);
    if (host_srv < 0 || host_udp < 0) return "host sockets";

    if (auto r = cga.enter(); !r.empty()) return r;
    int a80 = bound_socket(AF_INET, SOCK_STREAM, "0.0.0.0", 80, &e);
    CHECK_EQ_S(sockname(a80), std::string("127.0.13.1:80"));  // FreeBSD: wildcard = jail address
    CHECK_EQ_S(bound_socket(AF_INET, SOCK_STREAM, "127.0.13.2", 81, &e), -1);  // the neighbour's
    CHECK_EQ_S(e, EADDRNOTAVAIL);
    CHECK_EQ_S(bound_socket(AF_INET, SOCK_STREAM, "127.0.13.9", 81, &e), -1);  // the host's
    CHECK_EQ_S(e, EADDRNOTAVAIL);
    int lo82 = bound_socket(AF_INET, SOCK_STREAM, "127.0.0.1", 82, &e);
    CHECK_EQ_S(sockname(lo82), std::string("127.0.13.1:82"));  // FreeBSD: 127.0.0.1 = jail address
    int out = connected_socket(AF_INET, SOCK_STREAM, "127.0.13.9", 9000, &e);
    if (out < 0) return fmt::format("connect to the host: {}", strerror(e));
    std::string seen = accepted_peer(host_srv);  // the other side sees the jail's address
    if (!seen.starts_with("127.0.13.1:")) return "host saw the jail as " + seen;
    int self = connected_socket(AF_INET, SOCK_STREAM, "127.0.0.1", 80, &e);
    CHECK_EQ_S(peername(self), std::string("127.0.13.1:80"));
    int udp = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in to{AF_INET, htons(9001), {}, {}};
    inet_pton(AF_INET, "127.0.13.9", &to.sin_addr);
    if (sendto(udp, "x", 1, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) != 1) return "sendto";
    sockaddr_in from{};
    socklen_t fl = sizeof from;
    char c;
    if (recvfrom(host_udp, &c, 1, 0, reinterpret_cast<sockaddr*>(&from), &fl) != 1) return "recvfrom";
    char fbuf[32];
    CHECK_EQ_S(std::string(inet_ntop(AF_INET, &from.sin_addr, fbuf, sizeof fbuf)), std::string("127.0.13.1"));

    if (auto r = cgb.enter(); !r.empty()) return r;
    int b80 = bound_socket(AF_INET, SOCK_STREAM, "0.0.0.0", 80, &e);  // no clash with a80
    CHECK_EQ_S(sockname(b80), std::string("127.0.13.2:80"));
    if (auto r = TestCgroup::leave(); !r.empty()) return r;

    for (auto [fd, addr] : {std::pair{a80, "127.0.13.1"}, std::pair{b80, "127.0.13.2"}}) {
      int c2 = connected_socket(AF_INET, SOCK_STREAM, addr, 80, &e);
      if (c2 < 0) return fmt::format("host to {}:80: {}", addr, strerror(e));
      if (accepted_peer(fd) == "accept failed") return "no accept on the jail's port 80";
      close(c2);
    }
    for (int fd : {a80, lo82, out, self, udp, b80, host_srv, host_udp}) close(fd);
    CHECK_OK(remove_addresses(*b));
    CHECK_OK(remove_addresses(*a));
    auto nl = Rtnl::open();
    auto lo_addrs = nl->addresses(1);
    if (!lo_addrs) return err(lo_addrs.error());
    for (const auto& have : *lo_addrs)
      if (have.str() == "127.0.13.1" || have.str() == "127.0.13.2") return "left behind: " + have.str();
    return "";
  }));
}

TEST(SharedStack, IPv6AddressesAndLoopback) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    if (auto r = host_alias("fd00:13::9/128"); !r.empty()) return r;
    auto a = jail("n6", {}, {"lo|fd00:13::1"});
    CHECK_OK(a);
    CHECK_OK(add_addresses(*a));
    TestCgroup cg("n6");
    CHECK_OK(attach_socket_hooks(cg.fd(), *a));
    int e = 0;
    int host_srv = bound_socket(AF_INET6, SOCK_STREAM, "fd00:13::9", 9000, &e);
    if (host_srv < 0) return fmt::format("host socket: {}", strerror(e));
    if (auto r = cg.enter(); !r.empty()) return r;
    int any = bound_socket(AF_INET6, SOCK_STREAM, "::", 80, &e);
    CHECK_EQ_S(sockname(any), std::string("[fd00:13::1]:80"));
    int lo = bound_socket(AF_INET6, SOCK_STREAM, "::1", 81, &e);
    CHECK_EQ_S(sockname(lo), std::string("[fd00:13::1]:81"));
    CHECK_EQ_S(bound_socket(AF_INET6, SOCK_STREAM, "fd00:13::9", 82, &e), -1);
    CHECK_EQ_S(e, EADDRNOTAVAIL);
    int out = connected_socket(AF_INET6, SOCK_STREAM, "fd00:13::9", 9000, &e);
    if (out < 0) return fmt::format("connect: {}", strerror(e));
    std::string seen = accepted_peer(host_srv);
    if (!seen.starts_with("[fd00:13::1]:")) return "host saw the jail as " + seen;
    // ip4 = new without an address: no IPv4, not even through IPv4-mapped IPv6.
    CHECK_EQ_S(socket(AF_INET, SOCK_STREAM, 0), -1);
    CHECK_EQ_S(errno, EAFNOSUPPORT);
    CHECK_EQ_S(connected_socket(AF_INET6, SOCK_STREAM, "::ffff:127.0.0.1", 9, &e), -1);
    if (auto r = TestCgroup::leave(); !r.empty()) return r;
    for (int fd : {any, lo, out, host_srv}) close(fd);
    CHECK_OK(remove_addresses(*a));
    return "";
  }));
}

// ip4.saddrsel: the source is the jail address on the destination's network; off: the primary.
TEST(SharedStack, SourceAddressSelection) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    if (auto r = host_alias("127.0.14.9/32"); !r.empty()) return r;
    if (auto r = host_alias("127.0.15.9/32"); !r.empty()) return r;
    int e = 0;
    int srv14 = bound_socket(AF_INET, SOCK_STREAM, "127.0.14.9", 9000, &e);
    int srv15 = bound_socket(AF_INET, SOCK_STREAM, "127.0.15.9", 9000, &e);
    for (bool saddrsel : {true, false}) {
      auto s = spec(unique(saddrsel ? "nsel" : "nnosel"), {"lo|127.0.13.1", "lo|127.0.14.1/24"});
      s.ip4_saddrsel = saddrsel;
      auto p = plan_network(s);
      CHECK_OK(p);
      CHECK_OK(add_addresses(*p));
      TestCgroup cg(saddrsel ? "nsel" : "nnosel");
      CHECK_OK(attach_socket_hooks(cg.fd(), *p));
      if (auto r = cg.enter(); !r.empty()) return r;
      int c14 = connected_socket(AF_INET, SOCK_STREAM, "127.0.14.9", 9000, &e);
      int c15 = connected_socket(AF_INET, SOCK_STREAM, "127.0.15.9", 9000, &e);
      if (auto r = TestCgroup::leave(); !r.empty()) return r;
      std::string p14 = accepted_peer(srv14), p15 = accepted_peer(srv15);
      std::string want14 = saddrsel ? "127.0.14.1:" : "127.0.13.1:";
      if (!p14.starts_with(want14)) return fmt::format("saddrsel={}: to 127.0.14.9 from {}", saddrsel, p14);
      if (!p15.starts_with("127.0.13.1:")) return fmt::format("saddrsel={}: to 127.0.15.9 from {}", saddrsel, p15);
      close(c14), close(c15);
      CHECK_OK(remove_addresses(*p));
    }
    close(srv14), close(srv15);
    return "";
  }));
}

TEST(SharedStack, NoAddressMeansNoFamily) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    auto s = spec(unique("nn"), {});
    s.ip6 = conf::NsMode::Inherit;  // IPv6 as the host has it, IPv4 none
    auto p = plan_network(s);
    CHECK_OK(p);
    TestCgroup cg("nn");
    CHECK_OK(attach_socket_hooks(cg.fd(), *p));
    return cg.run([]() -> std::string {
      int e = 0;
      CHECK_EQ_S(socket(AF_INET, SOCK_DGRAM, 0), -1);
      CHECK_EQ_S(errno, EAFNOSUPPORT);
      int v6 = bound_socket(AF_INET6, SOCK_STREAM, "::1", 80, &e);  // inherit: unrestricted
      CHECK_EQ_S(sockname(v6), std::string("[::1]:80"));
      int unix_fd = socket(AF_UNIX, SOCK_STREAM, 0);
      if (unix_fd < 0) return "AF_UNIX refused";
      return "";
    });
  }));
}

TEST(HostAddresses, MissingInterfaceChangesNothing) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    auto p = jail("nm", {"lo|127.0.13.5", "nosuch0|127.0.13.6"});
    CHECK_OK(p);
    auto r = add_addresses(*p);
    if (r) return "no error for a missing interface";
    if (err(r.error()).find("ip4.addr: 127.0.13.6: interface \"nosuch0\" does not exist") == std::string::npos)
      return "unclear error: " + err(r.error());
    auto nl = Rtnl::open();
    auto lo_addrs = nl->addresses(1);
    if (!lo_addrs) return err(lo_addrs.error());
    for (const auto& have : *lo_addrs)
      if (have.str() == "127.0.13.5") return "127.0.13.5 was left behind";
    return "";
  }));
}

TEST(HostAddresses, ExistingAddressIsLeftAloneAndCleanupRemovesOurs) {
  EXPECT_EQ("", in_netns([]() -> std::string {
    if (auto r = host_alias("127.0.13.7/32"); !r.empty()) return r;
    auto p = jail("nc", {"lo|127.0.13.7", "lo|127.0.13.8/8"});
    CHECK_OK(p);
    CHECK_OK(add_addresses(*p));
    CHECK_EQ_S(p->added.size(), size_t{1});
    auto state = undo_state(*p);
    CHECK_OK(cleanup(state));  // as the next jail -r after a crash would
    auto nl = Rtnl::open();
    bool have7 = false;
    auto lo_addrs = nl->addresses(1);
    if (!lo_addrs) return err(lo_addrs.error());
    for (const auto& have : *lo_addrs) {
      if (have.str() == "127.0.13.8") return "cleanup left 127.0.13.8";
      have7 = have7 || have.str() == "127.0.13.7";
    }
    if (!have7) return "the admin's 127.0.13.7 was removed";
    CHECK_OK(cleanup(state));  // twice is harmless
    return "";
  }));
}

}  // namespace
}  // namespace jails::net::test
