// One IPv4 or IPv6 address with its prefix length, parsed from jail.conf text.
//
// FreeBSD's ip4.addr/ip6.addr elements have the form `[IF|]ADDR[/MASK] [extra...]`; the
// mask is CIDR (`/24`) or, for IPv4, dotted (`/255.255.255.0`). Without a mask an alias is
// a host address: /32 or /128 (FreeBSD: `netmask 255.255.255.255 alias`).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/error.h"

namespace jails::net {

struct IpAddr {
  int family = 0;                    // AF_INET or AF_INET6
  std::array<uint8_t, 16> bytes{};   // network order; IPv4 uses the first 4
  int prefix = 0;                    // 0..32 or 0..128

  bool v4() const;
  // Canonical text without prefix ("192.0.2.1", "2001:db8::1"): what records and jls show.
  std::string str() const;
  std::string cidr() const;          // "192.0.2.1/24"
  bool loopback() const;             // 127.0.0.0/8, ::1
  bool unspecified() const;          // 0.0.0.0, ::
  bool v4_mapped() const;            // ::ffff:a.b.c.d
  bool same_addr(const IpAddr& o) const { return family == o.family && bytes == o.bytes; }
  uint32_t v4_be() const;            // IPv4 address as the kernel stores it (network order)
};

// Parses "ADDR" or "ADDR/MASK" of the given family (AF_INET, AF_INET6, or 0 for either).
// The error says what is wrong with `text`, without naming a parameter.
Result<IpAddr> parse_addr(std::string_view text, int family);

// An ip4.addr/ip6.addr element split into its parts.
struct AddrElement {
  std::string ifname;  // from "IF|", or empty
  IpAddr addr;
  std::string extra;   // words after the address (ifconfig arguments on FreeBSD)
};
Result<AddrElement> parse_addr_element(std::string_view text, int family);

// A MAC address derived from a seed (the jail's name): locally administered, unicast,
// the same for the same seed, so a restarted jail keeps its MAC and a clone gets a new one.
std::array<uint8_t, 6> derived_mac(std::string_view seed, uint8_t salt);
std::string mac_str(const std::array<uint8_t, 6>& mac);

}  // namespace jails::net
