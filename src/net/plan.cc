// plan_network: every network parameter of a JailSpec, parsed and checked (pure).
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>

#include "base/text.h"
#include "net/jail_net.h"
#include "net/rdr.h"

namespace jails::net {

using conf::NsMode;

bool NetPlan::needs_hooks() const { return !vnet && (restricts(AF_INET) || restricts(AF_INET6)); }

bool NetPlan::restricts(int family) const {
  if (vnet) return false;
  return (family == AF_INET ? ip4 : ip6) != NsMode::Inherit;
}

std::vector<std::string> NetPlan::canonical(int family) const {
  std::vector<std::string> out;
  for (const auto& a : family == AF_INET ? ip4_addrs : ip6_addrs) out.push_back(a.addr.str());
  return out;
}

namespace {

const std::vector<std::string>* values(const conf::JailSpec& spec, const char* name) {
  const conf::Param* p = spec.find(name);
  return p ? &p->values : nullptr;
}

std::string first(const conf::JailSpec& spec, const char* name) {
  auto* v = values(spec, name);
  return v && !v->empty() ? v->front() : "";
}

Result<bool> boolean(const conf::JailSpec& spec, const char* name) {
  std::string v = first(spec, name);
  if (v.empty() && !values(spec, name)) return false;
  if (v == "true" || v == "1" || v.empty()) return true;  // a bare "x.veth;" is true
  if (v == "false" || v == "0") return false;
  return fail("{}: unknown boolean value \"{}\"", name, v);
}

Result<std::vector<JailAddr>> addresses(const std::vector<std::string>& list, int family,
                                        const std::string& interface, const char* param) {
  std::vector<JailAddr> out;
  for (const auto& text : list) {
    if (trim(text).empty()) continue;
    auto e = parse_addr_element(text, family);
    if (!e) return std::unexpected(std::move(e).error().context(param));
    // Linux: ifconfig's extra words (vhid, pfxlen...) have no netlink meaning here.
    if (!e->extra.empty())
      return fail("{}: \"{}\": extra interface arguments \"{}\" are not supported on Linux", param,
                  text, e->extra);
    if (e->addr.unspecified())
      return fail("{}: \"{}\": the unspecified address cannot be a jail address", param, text);
    if (e->addr.v4_mapped())
      return fail("{}: \"{}\": an IPv4-mapped address belongs in ip4.addr", param, text);
    for (const auto& prev : out)
      if (prev.addr.same_addr(e->addr))
        return fail("{}: {} is listed twice", param, e->addr.str());
    std::string ifname = e->ifname.empty() ? interface : e->ifname;
    out.push_back({e->addr, ifname});
  }
  return out;
}

Result<void> check_mode(NsMode mode, const std::vector<JailAddr>& addrs, const char* fam) {
  if (addrs.empty()) return {};
  if (mode == NsMode::Disable)
    return fail("{}.addr: addresses given but {} = disable", fam, fam);
  if (mode == NsMode::Inherit)
    return fail("{}.addr: addresses given but {} = inherit (the jail would use every host "
                "address)", fam, fam);
  return {};
}

// "vj<name>", or "vj" + 7 characters + 6 hex digits of a hash when the name is long: an
// interface name has at most 15 characters (IFNAMSIZ - 1).
std::string veth_host_name(const std::string& jail) {
  std::string n = "vj" + jail;
  for (char& c : n)
    if (c == '.' || c == '/' || c == ' ' || c == ':') c = '_';
  if (n.size() <= 15) return n;
  auto mac = derived_mac(jail, 0x76);
  return n.substr(0, 9) + fmt::format("{:02x}{:02x}{:02x}", mac[3], mac[4], mac[5]);
}

Result<std::optional<IpAddr>> router(const conf::JailSpec& spec, const char* name, int fam,
                                     const std::vector<IpAddr>& bridge_addrs) {
  std::string v = first(spec, name);
  if (!v.empty()) {
    auto a = parse_addr(v, fam);
    if (!a) return std::unexpected(std::move(a).error().context(name));
    return *a;
  }
  for (const auto& b : bridge_addrs)
    if (b.family == fam) return b;
  return std::nullopt;
}

// x.veth.addr: "[IF|]ADDR/PREFIX", IPv4 and IPv6 in one list, IF inside the jail.
Result<void> vnet_addresses(const conf::JailSpec& spec, NetPlan& plan) {
  auto* list = values(spec, "x.veth.addr");
  if (!list) return {};
  std::vector<std::string> v4, v6;
  for (const auto& text : *list) {
    auto e = parse_addr_element(text, 0);
    if (!e) return std::unexpected(std::move(e).error().context("x.veth.addr"));
    (e->addr.v4() ? v4 : v6).push_back(text);
  }
  plan.ip4_addrs = TRY(addresses(v4, AF_INET, "", "x.veth.addr"));
  plan.ip6_addrs = TRY(addresses(v6, AF_INET6, "", "x.veth.addr"));
  return {};
}

Result<void> plan_extensions(const conf::JailSpec& spec, NetPlan& plan) {
  plan.veth = TRY(boolean(spec, "x.veth"));
  plan.bridge = first(spec, "x.bridge");
  plan.nat = TRY(boolean(spec, "x.nat"));
  if (auto* list = values(spec, "x.bridge.addr"))
    for (const auto& text : *list) {
      auto a = parse_addr(text, 0);
      if (!a) return std::unexpected(std::move(a).error().context("x.bridge.addr"));
      plan.bridge_addrs.push_back(*a);
    }
  plan.gw4 = TRY(router(spec, "x.defaultrouter", AF_INET, plan.bridge_addrs));
  plan.gw6 = TRY(router(spec, "x.defaultrouter6", AF_INET6, plan.bridge_addrs));
  if (auto* list = values(spec, "x.rdr"))
    for (const auto& text : *list) {
      if (trim(text).empty()) continue;
      auto r = parse_rdr(text);
      if (!r) return std::unexpected(std::move(r).error().context("x.rdr"));
      plan.rdr.push_back(*r);
    }
  bool any = plan.veth || !plan.bridge.empty() || plan.nat || !plan.rdr.empty() ||
             !plan.bridge_addrs.empty() || values(spec, "x.veth.addr");
  if (any && !plan.vnet)
    return fail("x.veth, x.veth.addr, x.bridge, x.nat and x.rdr need vnet = new (a shared-stack "
                "jail uses host addresses directly)");
  if (!plan.veth && (!plan.bridge.empty() || plan.nat || !plan.rdr.empty()))
    return fail("x.bridge, x.nat and x.rdr need x.veth (they act on the jail's veth pair)");
  if (!plan.bridge.empty() && (plan.bridge.size() > 15 || plan.bridge.find('/') != std::string::npos))
    return fail("x.bridge: \"{}\" is not a valid interface name", plan.bridge);
  for (const auto* list : {&plan.ip4_addrs, &plan.ip6_addrs})
    for (const auto& j : *list)
      if (plan.vnet && !plan.veth && j.ifname.empty())
        return fail("x.veth.addr: {} names no interface (IF|ADDR) and there is no x.veth", j.addr.str());
  if (!plan.bridge_addrs.empty() && plan.bridge.empty())
    return fail("x.bridge.addr: set but x.bridge is not");
  for (const auto& r : plan.rdr) {
    bool v4 = !r.host || r.host->v4();
    if (plan.ip4_addrs.empty() && (r.host && v4))
      return fail("x.rdr: \"{}\": the jail has no IPv4 x.veth.addr to redirect to", r.text);
    if (plan.ip6_addrs.empty() && r.host && !v4)
      return fail("x.rdr: \"{}\": the jail has no IPv6 x.veth.addr to redirect to", r.text);
    if (!r.host && plan.ip4_addrs.empty() && plan.ip6_addrs.empty())
      return fail("x.rdr: \"{}\": the jail has no address to redirect to", r.text);
  }
  if (plan.veth) {
    plan.veth_host = veth_host_name(plan.jail);
    plan.veth_jail = "eth0";
    plan.mac_host = derived_mac(plan.jail, 'h');
    plan.mac_jail = derived_mac(plan.jail, 'j');
  }
  return {};
}

}  // namespace

Result<NetPlan> plan_network(const conf::JailSpec& spec) {
  NetPlan plan;
  plan.jail = spec.name;
  plan.ip4 = spec.ip4;
  plan.ip6 = spec.ip6;
  plan.vnet = spec.vnet == NsMode::New;
  plan.ip4_saddrsel = spec.ip4_saddrsel;
  plan.ip6_saddrsel = spec.ip6_saddrsel;
  if (spec.interface.size() > 15) return fail("interface: \"{}\" is too long", spec.interface);
  plan.ip4_addrs = TRY(addresses(spec.ip4_addr, AF_INET, spec.interface, "ip4.addr"));
  plan.ip6_addrs = TRY(addresses(spec.ip6_addr, AF_INET6, spec.interface, "ip6.addr"));
  if (plan.vnet) {
    // FreeBSD: "vnet jails cannot have IP address restrictions"; the addresses of the
    // jail's own interfaces come from x.veth.addr instead.
    if (!plan.ip4_addrs.empty() || !plan.ip6_addrs.empty())
      return fail("{}: vnet jails cannot have IP address restrictions (use x.veth.addr)",
                  plan.ip4_addrs.empty() ? "ip6.addr" : "ip4.addr");
    TRY(vnet_addresses(spec, plan));
  } else {
    TRY(check_mode(plan.ip4, plan.ip4_addrs, "ip4"));
    TRY(check_mode(plan.ip6, plan.ip6_addrs, "ip6"));
  }
  for (const auto& i : spec.vnet_interface) {
    if (!plan.vnet) return fail("vnet.interface: \"{}\" given but vnet is not new", i);
    if (i.empty() || i.size() > 15) return fail("vnet.interface: \"{}\" is not an interface name", i);
    plan.vnet_interfaces.push_back(i);
  }
  TRY(plan_extensions(spec, plan));
  return plan;
}

Result<void> check_address_free(const NetPlan& plan, const std::string& other_jail,
                                const std::vector<std::string>& other_addrs) {
  for (const auto& text : other_addrs) {
    auto other = parse_addr_element(text, 0);
    if (!other) continue;  // the other jail's record, not ours to judge
    const bool v4 = other->addr.v4();
    for (const auto& mine : v4 ? plan.ip4_addrs : plan.ip6_addrs)
      if (mine.addr.same_addr(other->addr))
        return fail("{}: {} is used by jail {}", v4 ? "ip4.addr" : "ip6.addr", mine.addr.str(),
                    other_jail);
  }
  return {};
}

}  // namespace jails::net
