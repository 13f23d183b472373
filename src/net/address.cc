#include "net/address.h"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstring>

#include "base/text.h"

namespace jails::net {

bool IpAddr::v4() const { return family == AF_INET; }

std::string IpAddr::str() const {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(family, bytes.data(), buf, sizeof buf);
  return buf;
}

std::string IpAddr::cidr() const { return fmt::format("{}/{}", str(), prefix); }

bool IpAddr::loopback() const {
  if (v4()) return bytes[0] == 127;
  static const std::array<uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  return bytes == one;
}

bool IpAddr::unspecified() const {
  size_t n = v4() ? 4 : 16;
  for (size_t i = 0; i < n; i++)
    if (bytes[i] != 0) return false;
  return true;
}

bool IpAddr::v4_mapped() const {
  if (v4()) return false;
  for (int i = 0; i < 10; i++)
    if (bytes[i] != 0) return false;
  return bytes[10] == 0xff && bytes[11] == 0xff;
}

uint32_t IpAddr::v4_be() const {
  uint32_t v;
  std::memcpy(&v, bytes.data(), 4);
  return v;
}

namespace {

// A dotted IPv4 netmask ("255.255.255.0") to a prefix length; -1 if not contiguous.
int dotted_mask_prefix(std::string_view text) {
  in_addr m{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &m) != 1) return -1;
  uint32_t v = ntohl(m.s_addr);
  int n = 0;
  while (n < 32 && (v & (0x80000000u >> n))) n++;
  if (n < 32 && (v << n) != 0) return -1;
  return n;
}

Result<int> parse_mask(std::string_view mask, int family) {
  int max = family == AF_INET ? 32 : 128;
  if (auto n = parse_int(mask); n && *n >= 0 && *n <= max && mask[0] != '-' && mask[0] != '+')
    return static_cast<int>(*n);
  if (family == AF_INET && mask.find('.') != std::string_view::npos) {
    int p = dotted_mask_prefix(mask);
    if (p >= 0) return p;
  }
  return fail("bad netmask \"{}\" (expected 0..{}{})", mask, max,
              family == AF_INET ? " or a dotted mask" : "");
}

}  // namespace

Result<IpAddr> parse_addr(std::string_view text, int family) {
  auto slash = text.find('/');
  std::string host(text.substr(0, slash));
  IpAddr a;
  for (int fam : {AF_INET, AF_INET6}) {
    if (family != 0 && family != fam) continue;
    if (inet_pton(fam, host.c_str(), a.bytes.data()) == 1) {
      a.family = fam;
      break;
    }
  }
  if (a.family == 0) {
    const char* what = family == AF_INET ? "an IPv4" : family == AF_INET6 ? "an IPv6" : "an IP";
    return fail("\"{}\" is not {} address", host, what);
  }
  a.prefix = a.v4() ? 32 : 128;
  if (slash != std::string_view::npos) a.prefix = TRY(parse_mask(text.substr(slash + 1), a.family));
  return a;
}

Result<AddrElement> parse_addr_element(std::string_view text, int family) {
  AddrElement e;
  std::string_view rest = trim(text);
  if (auto bar = rest.find('|'); bar != std::string_view::npos) {
    e.ifname = std::string(trim(rest.substr(0, bar)));
    rest = trim(rest.substr(bar + 1));
    if (e.ifname.empty()) return fail("\"{}\": empty interface name before '|'", text);
    if (e.ifname.size() > 15) return fail("\"{}\": interface name longer than 15 characters", text);
  }
  auto space = rest.find_first_of(" \t");
  std::string_view addr = rest.substr(0, space);
  if (space != std::string_view::npos) e.extra = std::string(trim(rest.substr(space)));
  if (addr.empty()) return fail("\"{}\": no address", text);
  e.addr = TRY(parse_addr(addr, family));
  return e;
}

std::array<uint8_t, 6> derived_mac(std::string_view seed, uint8_t salt) {
  // FNV-1a 64: stable across runs and builds (std::hash is not).
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : seed) h = (h ^ c) * 1099511628211ull;
  h = (h ^ salt) * 1099511628211ull;
  std::array<uint8_t, 6> mac;
  for (int i = 0; i < 6; i++) mac[i] = static_cast<uint8_t>(h >> (8 * i));
  mac[0] = (mac[0] & 0xfe) | 0x02;  // unicast, locally administered
  return mac;
}

std::string mac_str(const std::array<uint8_t, 6>& m) {
  return fmt::format("{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}", m[0], m[1], m[2], m[3], m[4],
                     m[5]);
}

}  // namespace jails::net
