// A jail's network, planned from its JailSpec and made on the host, step by step.
//
// Two ways to the network, as on FreeBSD:
//  - shared stack (vnet = inherit): the jail's ip4.addr/ip6.addr become aliases on host
//    interfaces (add_addresses) and cgroup-BPF socket hooks on the jail's cgroup2
//    directory pin every bind/connect/sendmsg to those addresses (attach_socket_hooks);
//  - VNET (vnet = new): the jail's own network namespace, loopback up, vnet.interface
//    moved in, and (Linux extension x.veth) a veth pair on a bridge with NAT and
//    port redirection through nftables (setup_vnet).
// Every step has its undo; undo_state() is what to keep in Record::extra["net"] so that
// cleanup() removes everything after a crash. docs/network.md is the user's side.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "net/address.h"

namespace jails::net {

struct JailAddr {
  IpAddr addr;         // with prefix (the alias' netmask)
  std::string ifname;  // where the alias goes; empty: no alias is made (FreeBSD)
};

// One x.rdr element: "PROTO [HOSTADDR:]PORT[-PORT] [JAILPORT[-PORT]]".
struct Rdr {
  std::string proto;             // "tcp" or "udp"
  std::optional<IpAddr> host;    // unset: every local address of the host
  int port_lo = 0, port_hi = 0;  // host side
  int jail_lo = 0, jail_hi = 0;  // jail side (same width as the host range)
  std::string text;              // as written, for messages
};

struct NetPlan {
  std::string jail;  // the jail's name, for messages and derived names
  conf::NsMode ip4 = conf::NsMode::New, ip6 = conf::NsMode::New;
  bool vnet = false;
  std::vector<JailAddr> ip4_addrs, ip6_addrs;  // first = primary
  bool ip4_saddrsel = true, ip6_saddrsel = true;
  std::vector<std::string> vnet_interfaces;

  // Linux extensions (docs/network.md "Parameters for conf/")
  bool veth = false;
  std::string veth_host, veth_jail;  // "vj<name>" on the host, "eth0" in the jail
  std::array<uint8_t, 6> mac_host{}, mac_jail{};
  std::string bridge;                // x.bridge; empty: host end left unattached
  std::vector<IpAddr> bridge_addrs;  // x.bridge.addr, set when the bridge is made
  std::optional<IpAddr> gw4, gw6;    // x.defaultrouter(6), or the bridge's address
  bool nat = false;
  std::vector<Rdr> rdr;

  // What the steps made (filled as they run; undo_state() records it).
  std::vector<JailAddr> added;  // aliases add_addresses made
  std::vector<std::string> moved;  // vnet.interface entries moved into the jail
  bool veth_made = false, bridge_made = false, nft_made = false;

  // Shared stack with some restriction: the BPF hooks are needed.
  bool needs_hooks() const;
  bool restricts(int family) const;  // this family is limited to the jail's addresses
  // ip4.addr / ip6.addr values as records and jls show them: canonical, no prefix.
  std::vector<std::string> canonical(int family) const;
};

// Pure: parses and checks every network parameter of the spec. Errors name the parameter.
Result<NetPlan> plan_network(const conf::JailSpec& spec);

// An address of this jail already used by another jail (whose record lists
// `other_addrs`, canonical or as written): "ip4.addr: 192.0.2.1 is used by jail web".
Result<void> check_address_free(const NetPlan& plan, const std::string& other_jail,
                                const std::vector<std::string>& other_addrs);

// ip_hostname: resolves host.hostname and appends its addresses (getaddrinfo; not pure).
Result<void> add_hostname_addresses(NetPlan& plan, const std::string& hostname);

// Create step 2/3 (FreeBSD: ifconfig IF inet ADDR alias) and remove step 8 (reverse).
// Only addresses with an interface are added; one already present is left alone and not
// removed later. On failure, what was added is removed again.
Result<void> add_addresses(NetPlan& plan);
Result<void> remove_addresses(const NetPlan& plan);

// Shared stack: loads the socket-address programs and attaches them to the jail's
// cgroup2 directory. They stay attached until the cgroup is removed.
Result<void> attach_socket_hooks(int cgroup_v2_dir_fd, const NetPlan& plan);

// VNET, after the jail's network namespace exists (FreeBSD create step 13), and its
// undo before the namespace goes (remove; what the kernel would otherwise destroy).
Result<void> setup_vnet(int netns_fd, NetPlan& plan);
Result<void> teardown_vnet(int netns_fd, const NetPlan& plan);

// What this jail made on the host, for Record::extra["net"]; cleanup() undoes it from
// that alone (after a crash), ignoring what is already gone.
nlohmann::json undo_state(const NetPlan& plan);
Result<void> cleanup(const nlohmann::json& state);

}  // namespace jails::net
