// rctl(8) rules and filters: `subject:subject-id:resource:action=amount/per`.
//
// A Rule holds the text fields as FreeBSD spells them; an empty field (or no amount)
// is "unspecified", which is what a filter is: `jail:web`, `::maxproc`, `:`.
// Parsing here is grammar only (rctl.c's expand_rule + the kernel's
// rctl_string_to_rule); what a resource/action means on Linux is resource.h's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/error.h"

namespace jails::rctl {

struct Rule {
  std::string subject;     // "jail" (aliases j, u, g, p, l, c, class are expanded)
  std::string id;          // jail name or jid
  std::string resource;    // "memoryuse"
  std::string action;      // "deny", "throttle", "sigkill", ...
  std::optional<int64_t> amount;
  std::string per;         // "" = the subject itself

  // per, or the subject when per is unset: FreeBSD's rr_per defaults to the subject.
  std::string effective_per() const { return per.empty() ? subject : per; }
  bool operator==(const Rule&) const = default;
};

// FreeBSD expand_number(3): decimal with an optional k/m/g/t/p/e suffix (powers of 1024,
// either case, an optional trailing b). Errors name the text.
Result<int64_t> expand_number(std::string_view text);
// FreeBSD humanize_number(buf[6], HN_AUTOSCALE, HN_DECIMAL | HN_NOSPACE): "1024M", "1.5G".
std::string humanize_number(int64_t n);

// Parses a rule or a filter. Missing trailing fields are left empty. Errors read like
// FreeBSD's: "malformed rule 'x': invalid numeric value 'abc'".
Result<Rule> parse_rule(std::string_view text);
// True when every field is present (what -a needs).
bool fully_specified(const Rule& r);
// What is missing from a rule for -a, as a phrase ("resource", "action", "amount").
std::string first_missing(const Rule& r);

// FreeBSD rctl_rule_to_sbuf: "jail:web:memoryuse:deny=1073741824", "/per" only when it
// differs from the subject. human: the amount through humanize_number (rctl -h).
std::string format_rule(const Rule& r, bool human = false);

// FreeBSD rctl_rule_matches: every field the filter specifies must be equal.
bool matches(const Rule& rule, const Rule& filter);

}  // namespace jails::rctl
