// FreeBSD create steps 2-3 (ifconfig IF inet ADDR alias) and remove step 8, by netlink.
#include <netdb.h>
#include <netinet/in.h>

#include <cstring>
#include <sys/socket.h>

#include "net/jail_net.h"
#include "net/rtnl.h"

namespace jails::net {

namespace {

const char* param_of(const IpAddr& a) { return a.v4() ? "ip4.addr" : "ip6.addr"; }

// Every interface named by an address exists: checked before anything is changed.
Result<void> check_interfaces(Rtnl& nl, const NetPlan& plan) {
  for (const auto* list : {&plan.ip4_addrs, &plan.ip6_addrs})
    for (const auto& j : *list) {
      if (j.ifname.empty()) continue;
      if (!TRY(nl.link_index(j.ifname)))
        return fail("{}: {}: interface \"{}\" does not exist", param_of(j.addr), j.addr.str(), j.ifname);
    }
  return {};
}

bool present(const std::vector<IpAddr>& have, const IpAddr& a) {
  for (const auto& h : have)
    if (h.same_addr(a)) return true;
  return false;
}

}  // namespace

Result<void> add_addresses(NetPlan& plan) {
  if (plan.vnet) return {};  // a VNET jail's addresses go inside it (setup_vnet)
  auto nl = TRY_CTX(Rtnl::open(), plan.jail);
  TRY_CTX(check_interfaces(nl, plan), plan.jail);
  for (const auto* list : {&plan.ip4_addrs, &plan.ip6_addrs})
    for (const auto& j : *list) {
      if (j.ifname.empty()) continue;  // FreeBSD: no interface, no alias
      int index = *TRY(nl.link_index(j.ifname));
      // An address the host already has is the admin's: used, never added nor removed.
      if (present(TRY(nl.addresses(index)), j.addr)) continue;
      auto r = nl.address(true, index, j.ifname, j.addr);
      if (!r) {
        auto undo = remove_addresses(plan);
        (void)undo;  // the first error is the one to report
        plan.added.clear();
        return std::unexpected(std::move(r).error().context(
            fmt::format("{}: {} {}", plan.jail, param_of(j.addr), j.addr.str())));
      }
      plan.added.push_back(j);
    }
  return {};
}

Result<void> remove_addresses(const NetPlan& plan) {
  if (plan.added.empty()) return {};
  auto nl = TRY_CTX(Rtnl::open(), plan.jail);
  Result<void> first;
  // FreeBSD remove step 8: ip6.addr, then ip4.addr, each in reverse order.
  for (auto it = plan.added.rbegin(); it != plan.added.rend(); ++it) {
    auto index = nl.link_index(it->ifname);
    if (!index || !*index) continue;  // the interface is gone, and its addresses with it
    auto r = nl.address(false, **index, it->ifname, it->addr);
    if (!r && r.error().err != EADDRNOTAVAIL && first)
      first = std::unexpected(std::move(r).error().context(plan.jail));
  }
  return first;
}

Result<void> add_hostname_addresses(NetPlan& plan, const std::string& hostname) {
  // FreeBSD ip_hostname: every address the resolver gives host.hostname is the jail's.
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (int e = getaddrinfo(hostname.c_str(), nullptr, &hints, &res); e != 0)
    return fail("ip_hostname: {}: {}", hostname, gai_strerror(e));
  for (addrinfo* ai = res; ai; ai = ai->ai_next) {
    IpAddr a;
    a.family = ai->ai_family;
    if (ai->ai_family == AF_INET) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in*>(ai->ai_addr)->sin_addr, 4);
      a.prefix = 32;
    } else if (ai->ai_family == AF_INET6) {
      std::memcpy(a.bytes.data(), &reinterpret_cast<sockaddr_in6*>(ai->ai_addr)->sin6_addr, 16);
      a.prefix = 128;
    } else {
      continue;
    }
    auto& list = a.v4() ? plan.ip4_addrs : plan.ip6_addrs;
    bool dup = false;
    for (const auto& j : list) dup = dup || j.addr.same_addr(a);
    if (!dup) list.push_back({a, ""});
  }
  freeaddrinfo(res);
  return {};
}

}  // namespace jails::net
