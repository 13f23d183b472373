// rctl(8)'s output: rule lines, usage lines, and their JSON (--libxo json).
//
// Text is FreeBSD's: one rule per line as rctl_rule_to_sbuf prints it, one
// `resource=amount` per line for -u; -h passes amounts through humanize_number.
// FreeBSD's rctl has no libxo output; the JSON here is this project's, documented in
// docs/rctl.md: {"__version": "1", "rctl": {"rules": [...]}} and
// {"__version": "1", "rctl": {"usage": {"jail:web": {"cputime": 3, ...}}}}.
#pragma once

#include <string>
#include <vector>

#include "rctl/rule.h"
#include "rctl/usage.h"

namespace jails::rctl {

std::string rules_text(const std::vector<Rule>& rules, bool human);
std::string usage_text(const std::vector<UsageLine>& lines, bool human);
std::string rules_json(const std::vector<Rule>& rules);
std::string usage_json(const std::string& subject, const std::vector<UsageLine>& lines);

}  // namespace jails::rctl
