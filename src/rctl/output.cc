#include "rctl/output.h"

#include <nlohmann/json.hpp>

namespace jails::rctl {

std::string rules_text(const std::vector<Rule>& rules, bool human) {
  std::string out;
  for (const auto& r : rules) out += format_rule(r, human) + "\n";
  return out;
}

std::string usage_text(const std::vector<UsageLine>& lines, bool human) {
  std::string out;
  for (const auto& l : lines)
    out += l.resource + "=" + (human ? humanize_number(l.value) : std::to_string(l.value)) + "\n";
  return out;
}

std::string rules_json(const std::vector<Rule>& rules) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& r : rules)
    list.push_back({{"rule", format_rule(r)},
                    {"subject", r.subject},
                    {"subject-id", r.id},
                    {"resource", r.resource},
                    {"action", r.action},
                    {"amount", r.amount.value_or(0)},
                    {"per", r.effective_per()}});
  return nlohmann::json{{"__version", "1"}, {"rctl", {{"rules", list}}}}.dump() + "\n";
}

std::string usage_json(const std::string& subject, const std::vector<UsageLine>& lines) {
  nlohmann::ordered_json usage = nlohmann::ordered_json::object();
  for (const auto& l : lines) usage[l.resource] = l.value;
  nlohmann::ordered_json out;
  out["__version"] = "1";
  out["rctl"]["usage"][subject] = usage;
  return out.dump() + "\n";
}

}  // namespace jails::rctl
