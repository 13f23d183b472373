// undo_state / cleanup: what a jail made on the host, kept in its record.
#include "net/jail_net.h"

namespace jails::net {

nlohmann::json undo_state(const NetPlan& plan) {
  nlohmann::json j = nlohmann::json::object();
  j["jail"] = plan.jail;
  auto addrs = nlohmann::json::array();
  for (const auto& a : plan.added) addrs.push_back({{"if", a.ifname}, {"addr", a.addr.cidr()}});
  j["addresses"] = addrs;
  if (plan.veth_made) j["veth"] = plan.veth_host;
  if (!plan.bridge.empty()) j["bridge"] = plan.bridge;
  if (plan.nft_made) j["nft"] = true;
  if (!plan.moved.empty()) j["moved"] = plan.moved;
  return j;
}

Result<void> cleanup(const nlohmann::json& state) {
  if (!state.is_object() || !state.contains("jail")) return {};
  NetPlan plan;
  try {
    plan.jail = state.at("jail").get<std::string>();
    for (const auto& a : state.value("addresses", nlohmann::json::array())) {
      auto addr = parse_addr(a.at("addr").get<std::string>(), 0);
      if (!addr) return fail("{}: net record: {}", plan.jail, addr.error().what());
      plan.added.push_back({*addr, a.at("if").get<std::string>()});
    }
    plan.veth_host = state.value("veth", "");
    plan.veth_made = !plan.veth_host.empty();
    plan.bridge = state.value("bridge", "");
    plan.nft_made = state.value("nft", false);
  } catch (const nlohmann::json::exception& e) {
    return fail("{}: net record: {}", plan.jail, e.what());
  }
  // The jail's namespace is gone: the kernel has returned physical vnet.interface
  // entries and destroyed the jail's end of the veth; the host side is left to us.
  auto vnet = teardown_vnet(-1, plan);
  auto addrs = remove_addresses(plan);
  if (!vnet) return vnet;
  return addrs;
}

}  // namespace jails::net
