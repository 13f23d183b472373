// A route-netlink socket (libmnl) in one network namespace, and the few link, address
// and route requests the jail steps need. Never runs ip(8).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "net/address.h"

struct mnl_socket;
struct nlmsghdr;

namespace jails::net {

class Rtnl {
 public:
  static Result<Rtnl> open();                 // in the caller's network namespace
  static Result<Rtnl> open_in(int netns_fd);  // in netns_fd's (the socket stays there)
  Rtnl(Rtnl&& o) noexcept;
  Rtnl& operator=(Rtnl&&) = delete;
  ~Rtnl();

  // ifindex of a link, nullopt if there is none of that name.
  Result<std::optional<int>> link_index(const std::string& name);
  Result<std::optional<int>> link_master(int ifindex);  // bridge of a port
  Result<std::vector<int>> bridge_ports(int bridge_ifindex);
  Result<std::string> link_alias(int ifindex);  // IFLA_IFALIAS, "" if none
  Result<void> link_set_alias(int ifindex, const std::string& name, const std::string& alias);
  Result<void> link_up(int ifindex, const std::string& name);
  Result<void> link_set_netns(int ifindex, const std::string& name, int netns_fd);
  Result<void> link_set_master(int ifindex, const std::string& name, int master);
  Result<void> link_delete(int ifindex, const std::string& name);
  Result<void> add_bridge(const std::string& name);
  // veth `name` here, its peer `peer` created directly in peer_netns_fd.
  Result<void> add_veth(const std::string& name, const std::array<uint8_t, 6>& mac,
                        const std::string& peer, const std::array<uint8_t, 6>& peer_mac,
                        int peer_netns_fd);
  Result<std::vector<IpAddr>> addresses(int ifindex);  // IPv4 and IPv6, with prefixes
  // RTM_NEWADDR/RTM_DELADDR; `nodad`: an IPv6 address usable at once (no DAD wait).
  Result<void> address(bool add, int ifindex, const std::string& ifname, const IpAddr& a);
  // Default route through `gateway` on link oif, on-link (the jail's prefix may be /32).
  Result<void> default_route(const IpAddr& gateway, int oif);

 private:
  explicit Rtnl(mnl_socket* s);
  Result<void> request(nlmsghdr* nlh, const std::string& what);
  using Cb = int (*)(const nlmsghdr*, void*);
  Result<void> run(nlmsghdr* nlh, const std::string& what, Cb cb, void* data);

  mnl_socket* nl_ = nullptr;
  unsigned portid_ = 0;
  unsigned seq_ = 1;
};

}  // namespace jails::net
