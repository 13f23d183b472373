// VNET: the jail's own network namespace, set up from the host after it exists.
#include <fcntl.h>
#include <sys/socket.h>

#include "base/unique_fd.h"
#include "net/jail_net.h"
#include "net/rdr.h"
#include "net/rtnl.h"

namespace jails::net {

namespace {

// The mark of a bridge this project made: whichever jail leaves it last removes it.
constexpr const char* kBridgeAlias = "made by jail(8) x.bridge";

Result<void> move_interfaces(Rtnl& host, int netns_fd, NetPlan& plan) {
  for (const auto& name : plan.vnet_interfaces) {
    auto index = TRY(host.link_index(name));
    if (!index) return fail("vnet.interface: interface \"{}\" does not exist", name);
    TRY_CTX(host.link_set_netns(*index, name, netns_fd), "vnet.interface");
    plan.moved.push_back(name);
  }
  return {};
}

Result<int> bridge_index(Rtnl& host, NetPlan& plan) {
  if (auto index = TRY(host.link_index(plan.bridge))) return *index;
  TRY_CTX(host.add_bridge(plan.bridge), "x.bridge");
  plan.bridge_made = true;
  int index = *TRY(host.link_index(plan.bridge));
  TRY_CTX(host.link_set_alias(index, plan.bridge, kBridgeAlias), "x.bridge");
  for (const auto& a : plan.bridge_addrs) TRY_CTX(host.address(true, index, plan.bridge, a), "x.bridge.addr");
  TRY_CTX(host.link_up(index, plan.bridge), "x.bridge");
  return index;
}

// The jail's addresses, on the interface each names inside the jail, else on the veth.
Result<void> jail_addresses(Rtnl& jail, const NetPlan& plan) {
  for (const auto* list : {&plan.ip4_addrs, &plan.ip6_addrs})
    for (const auto& j : *list) {
      std::string ifname = !j.ifname.empty() ? j.ifname : plan.veth ? plan.veth_jail : "";
      if (ifname.empty()) continue;  // no interface: recorded only (FreeBSD: no alias)
      auto index = TRY(jail.link_index(ifname));
      if (!index)
        return fail("{}: {}: no interface \"{}\" in the jail", j.addr.v4() ? "ip4.addr" : "ip6.addr",
                    j.addr.str(), ifname);
      TRY(jail.address(true, *index, ifname, j.addr));
    }
  return {};
}

Result<void> veth(Rtnl& host, Rtnl& jail, int netns_fd, NetPlan& plan) {
  if (TRY(host.link_index(plan.veth_host)))
    return fail("x.veth: interface {} already exists (a leftover of this jail? `jail -r {}`)",
                plan.veth_host, plan.jail);
  int bridge = plan.bridge.empty() ? 0 : TRY(bridge_index(host, plan));
  TRY_CTX(host.add_veth(plan.veth_host, plan.mac_host, plan.veth_jail, plan.mac_jail, netns_fd), "x.veth");
  plan.veth_made = true;
  int index = *TRY(host.link_index(plan.veth_host));
  if (bridge) TRY_CTX(host.link_set_master(index, plan.veth_host, bridge), "x.bridge");
  TRY_CTX(host.link_up(index, plan.veth_host), "x.veth");
  auto jindex = TRY(jail.link_index(plan.veth_jail));
  if (!jindex) return fail("x.veth: {} did not appear in the jail", plan.veth_jail);
  TRY_CTX(jail.link_up(*jindex, plan.veth_jail), "x.veth");
  return {};
}

Result<void> routes(Rtnl& jail, const NetPlan& plan) {
  int oif = TRY(jail.link_index(plan.veth_jail)).value_or(0);
  if (plan.gw4 && !plan.ip4_addrs.empty()) TRY_CTX(jail.default_route(*plan.gw4, oif), "x.defaultrouter");
  if (plan.gw6 && !plan.ip6_addrs.empty()) TRY_CTX(jail.default_route(*plan.gw6, oif), "x.defaultrouter6");
  return {};
}

Result<void> nft(NetPlan& plan) {
  if (!plan.nat && plan.rdr.empty()) return {};
  TRY(check_rdr_free(plan, TRY(nft_list_rules())));
  TRY(nft_run(nft_table_commands()));
  plan.nft_made = true;
  TRY(nft_run(nft_rule_commands(plan)));
  return {};
}

Result<void> setup(int netns_fd, NetPlan& plan) {
  auto host = TRY(Rtnl::open());
  auto jail = TRY(Rtnl::open_in(netns_fd));
  auto lo = TRY(jail.link_index("lo"));
  if (lo) TRY_CTX(jail.link_up(*lo, "lo"), "vnet");  // FreeBSD: lo0 is up in a new vnet
  TRY(move_interfaces(host, netns_fd, plan));
  if (plan.veth) TRY(veth(host, jail, netns_fd, plan));
  TRY(jail_addresses(jail, plan));
  if (plan.veth) TRY(routes(jail, plan));
  TRY(nft(plan));
  return {};
}

}  // namespace

Result<void> setup_vnet(int netns_fd, NetPlan& plan) {
  if (!plan.vnet) return {};
  auto r = setup(netns_fd, plan);
  if (!r) {
    auto undo = teardown_vnet(netns_fd, plan);
    (void)undo;  // the first error is the one to report
    return std::unexpected(std::move(r).error().context(plan.jail));
  }
  return {};
}

namespace {

// Linux: a physical interface returns to the initial namespace when the jail's ends, a
// virtual one would be destroyed with it; FreeBSD returns both, so hand them back now.
Result<void> return_interfaces(int netns_fd, const NetPlan& plan) {
  if (plan.moved.empty() || netns_fd < 0) return {};
  auto jail = TRY(Rtnl::open_in(netns_fd));
  UniqueFd self(::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC));
  if (!self) return sys_fail("open(/proc/thread-self/ns/net)");
  for (const auto& name : plan.moved)
    if (auto index = TRY(jail.link_index(name)))
      TRY_CTX(jail.link_set_netns(*index, name, self.get()), "vnet.interface");
  return {};
}

}  // namespace

Result<void> teardown_vnet(int netns_fd, const NetPlan& plan) {
  Result<void> first;
  auto keep = [&](Result<void> r) {
    if (!r && r.error().err == ENODEV) return;  // gone already (the namespace took it)
    if (!r && first) first = std::unexpected(std::move(r).error().context(plan.jail));
  };
  if (plan.nft_made) keep(nft_remove_jail(plan.jail));
  keep(return_interfaces(netns_fd, plan));
  auto host = Rtnl::open();
  if (!host) return std::unexpected(std::move(host).error().context(plan.jail));
  if (plan.veth_made) {
    auto index = host->link_index(plan.veth_host);
    if (index && *index) keep(host->link_delete(**index, plan.veth_host));  // takes the peer too
  }
  if (!plan.bridge.empty()) {
    auto index = host->link_index(plan.bridge);
    auto alias = index && *index ? host->link_alias(**index) : Result<std::string>("");
    if (alias && *alias == kBridgeAlias) {
      auto ports = host->bridge_ports(**index);
      // Other jails' veths may still be on the bridge: it goes with the last of them.
      if (ports && ports->empty()) keep(host->link_delete(**index, plan.bridge));
    }
  }
  return first;
}

}  // namespace jails::net
