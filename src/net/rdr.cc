// x.rdr parsing and the nftables text of a jail's redirections and NAT (pure).
#include "net/rdr.h"

#include <sys/socket.h>

#include <nlohmann/json.hpp>

#include "base/text.h"
#include "net/jail_net.h"

namespace jails::net {

namespace {

Result<std::pair<int, int>> port_range(std::string_view text) {
  auto dash = text.find('-');
  auto lo = parse_int(text.substr(0, dash));
  auto hi = dash == std::string_view::npos ? lo : parse_int(text.substr(dash + 1));
  if (!lo || !hi || *lo < 1 || *hi > 65535 || *lo > *hi)
    return fail("\"{}\" is not a port or port range (1..65535)", text);
  return std::pair<int, int>(static_cast<int>(*lo), static_cast<int>(*hi));
}

// "8080", "192.0.2.1:8080", "[2001:db8::1]:8080-8090"
Result<void> host_part(std::string_view text, Rdr& r) {
  std::string_view ports = text;
  if (text.starts_with('[')) {
    auto close = text.find("]:");
    if (close == std::string_view::npos) return fail("\"{}\": expected [ADDR]:PORT", text);
    r.host = TRY(parse_addr(text.substr(1, close - 1), AF_INET6));
    ports = text.substr(close + 2);
  } else if (auto colon = text.rfind(':'); colon != std::string_view::npos) {
    r.host = TRY(parse_addr(text.substr(0, colon), AF_INET));
    ports = text.substr(colon + 1);
  }
  auto [lo, hi] = TRY(port_range(ports));
  r.port_lo = lo;
  r.port_hi = hi;
  return {};
}

std::string comment(const std::string& jail, std::string_view what) {
  return fmt::format("jail={} {}", jail, what);
}

std::string rdr_tag(const Rdr& r) {
  return fmt::format("rdr={}/{}/{}-{}", r.proto, r.host ? r.host->str() : "*", r.port_lo,
                     r.port_hi);
}

// One redirection for one family, in one chain.
std::string rdr_rule(const NetPlan& plan, const Rdr& r, const IpAddr& to, const char* chain) {
  const char* ip = to.v4() ? "ip" : "ip6";
  std::string match;
  if (r.host)
    match = fmt::format("{} daddr {}", ip, r.host->str());
  else  // every local address but loopback (DNAT from loopback needs route_localnet)
    match = fmt::format("meta nfproto {} fib daddr type local {} daddr != {}",
                        to.v4() ? "ipv4" : "ipv6", ip, to.v4() ? "127.0.0.0/8" : "::1");
  std::string dport = r.port_lo == r.port_hi ? std::to_string(r.port_lo)
                                             : fmt::format("{}-{}", r.port_lo, r.port_hi);
  std::string target = to.v4() ? to.str() : "[" + to.str() + "]";
  // A range keeps its ports; a single port may move (8080 -> 80).
  if (r.port_lo == r.port_hi) target += fmt::format(":{}", r.jail_lo);
  return fmt::format("add rule inet {} {} {} {} dport {} dnat {} to {} comment \"{}\"\n",
                     kNftTable, chain, match, r.proto, dport, ip, target,
                     comment(plan.jail, rdr_tag(r)));
}

bool overlaps(const Rdr& a, const Rdr& b) {
  if (a.proto != b.proto || a.port_hi < b.port_lo || b.port_hi < a.port_lo) return false;
  return !a.host || !b.host || a.host->same_addr(*b.host);
}

}  // namespace

Result<Rdr> parse_rdr(std::string_view text) {
  auto words = split_blanks(text);
  Rdr r;
  r.text = std::string(trim(text));
  if (words.size() < 2 || words.size() > 3)
    return fail("\"{}\": expected PROTO [HOSTADDR:]PORT[-PORT] [JAILPORT[-PORT]]", r.text);
  if (words[0] != "tcp" && words[0] != "udp")
    return fail("\"{}\": protocol \"{}\" is not tcp or udp", r.text, words[0]);
  r.proto = words[0];
  auto h = host_part(words[1], r);
  if (!h) return std::unexpected(std::move(h).error().context(fmt::format("\"{}\"", r.text)));
  r.jail_lo = r.port_lo;
  r.jail_hi = r.port_hi;
  if (words.size() == 3) {
    auto j = port_range(words[2]);
    if (!j) return std::unexpected(std::move(j).error().context(fmt::format("\"{}\"", r.text)));
    r.jail_lo = j->first;
    r.jail_hi = j->second;
  }
  if (r.port_lo != r.port_hi && (r.jail_lo != r.port_lo || r.jail_hi != r.port_hi))
    return fail("\"{}\": a port range is redirected to the same ports in the jail", r.text);
  if (r.port_lo == r.port_hi && r.jail_lo != r.jail_hi)
    return fail("\"{}\": one host port cannot go to a range of jail ports", r.text);
  return r;
}

std::string nft_table_commands() {
  return fmt::format(
      "add table inet {0}\n"
      "add chain inet {0} prerouting {{ type nat hook prerouting priority dstnat; }}\n"
      "add chain inet {0} output {{ type nat hook output priority -100; }}\n"
      "add chain inet {0} postrouting {{ type nat hook postrouting priority srcnat; }}\n",
      kNftTable);
}

std::string nft_comment_prefix(const std::string& jail) { return "jail=" + jail + " "; }

std::string nft_rule_commands(const NetPlan& plan) {
  std::string out;
  for (const auto& r : plan.rdr) {
    std::vector<const IpAddr*> targets;
    if ((!r.host || r.host->v4()) && !plan.ip4_addrs.empty()) targets.push_back(&plan.ip4_addrs[0].addr);
    if ((!r.host || !r.host->v4()) && !plan.ip6_addrs.empty()) targets.push_back(&plan.ip6_addrs[0].addr);
    for (const IpAddr* to : targets)
      for (const char* chain : {"prerouting", "output"}) out += rdr_rule(plan, r, *to, chain);
  }
  if (plan.nat)
    for (const auto* list : {&plan.ip4_addrs, &plan.ip6_addrs})
      for (const auto& a : *list)
        out += fmt::format(
            "add rule inet {} postrouting {} saddr {} oifname != \"{}\" masquerade comment \"{}\"\n",
            kNftTable, a.addr.v4() ? "ip" : "ip6", a.addr.str(),
            plan.bridge.empty() ? plan.veth_host : plan.bridge, comment(plan.jail, "nat"));
  return out;
}

std::vector<NftRule> parse_nft_listing(std::string_view text) {
  std::vector<NftRule> out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.contains("nftables")) return out;
  for (const auto& item : j["nftables"]) {
    if (!item.contains("rule")) continue;
    const auto& r = item["rule"];
    out.push_back({r.value("chain", ""), r.value("handle", 0L), r.value("comment", "")});
  }
  return out;
}

Result<void> check_rdr_free(const NetPlan& plan, const std::vector<NftRule>& rules) {
  for (const auto& rule : rules) {
    if (rule.chain != "prerouting" || rule.comment.starts_with(nft_comment_prefix(plan.jail)))
      continue;
    auto words = split_blanks(rule.comment);
    if (words.size() != 2 || !words[1].starts_with("rdr=")) continue;
    auto f = split(words[1].substr(4), '/');
    if (f.size() != 3) continue;
    std::string spec = f[0] + " " + (f[1] == "*" ? "" : (f[1].find(':') != std::string::npos
                                                            ? "[" + f[1] + "]:" : f[1] + ":")) + f[2];
    auto other = parse_rdr(spec);
    if (!other) continue;
    for (const auto& mine : plan.rdr)
      if (overlaps(mine, *other))
        return fail("x.rdr: \"{}\": {} {}{} is already redirected to jail {}", mine.text,
                    other->proto, other->host ? other->host->str() + ":" : "", f[2],
                    words[0].substr(5));
  }
  return {};
}

}  // namespace jails::net
