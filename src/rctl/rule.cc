#include "rctl/rule.h"

#include <cctype>
#include <climits>

#include "base/text.h"

namespace jails::rctl {

namespace {

// FreeBSD rctl.c expand_rule: one-letter and short subject aliases.
std::string expand_subject(std::string_view s) {
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "u") return "user";
  if (lower == "g") return "group";
  if (lower == "p") return "process";
  if (lower == "l" || lower == "c" || lower == "class") return "loginclass";
  if (lower == "j") return "jail";
  return lower;
}

// strsep(&s, delims): the field before the first delimiter; s advances past it, or
// becomes nullopt when no delimiter is left.
std::optional<std::string_view> next_field(std::optional<std::string_view>& s, std::string_view delims) {
  if (!s) return std::nullopt;
  auto pos = s->find_first_of(delims);
  std::string_view field = s->substr(0, pos);
  if (pos == std::string_view::npos) s.reset();
  else s = s->substr(pos + 1);
  return field;
}

}  // namespace

Result<int64_t> expand_number(std::string_view text) {
  size_t i = 0;
  uint64_t n = 0;
  while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
    uint64_t d = static_cast<uint64_t>(text[i] - '0');
    if (n > (static_cast<uint64_t>(INT64_MAX) - d) / 10) return fail("value '{}' is too large", text);
    n = n * 10 + d;
    ++i;
  }
  if (i == 0) return fail("invalid numeric value '{}'", text);
  int shift = 0;
  if (i < text.size()) {
    switch (std::tolower(static_cast<unsigned char>(text[i]))) {
      case 'b': shift = 0; break;
      case 'k': shift = 10; break;
      case 'm': shift = 20; break;
      case 'g': shift = 30; break;
      case 't': shift = 40; break;
      case 'p': shift = 50; break;
      case 'e': shift = 60; break;
      default: return fail("invalid numeric value '{}'", text);
    }
    ++i;
    if (shift != 0 && i < text.size() && std::tolower(static_cast<unsigned char>(text[i])) == 'b') ++i;
    if (i != text.size()) return fail("invalid numeric value '{}'", text);
  }
  if (shift != 0 && n > (static_cast<uint64_t>(INT64_MAX) >> shift)) return fail("value '{}' is too large", text);
  return static_cast<int64_t>(n << shift);
}

std::string humanize_number(int64_t quotient) {
  // FreeBSD libutil humanize_number with len 6, suffix "", HN_AUTOSCALE,
  // HN_DECIMAL | HN_NOSPACE, divisor 1024: up to four digits, then a K/M/G/T/P/E.
  static const char* const prefixes[] = {"", "K", "M", "G", "T", "P", "E"};
  const int64_t divisor = 1024, deccut = 973;
  int sign = 1;
  size_t baselen = 2;
  if (quotient < 0) {
    sign = -1;
    quotient = -quotient;
    baselen = 3;
  }
  int64_t max = 1;
  for (size_t k = 6 - baselen; k-- > 0;) max *= 10;
  int64_t remainder = 0;
  int i = 0;
  while ((quotient >= max || (quotient == max - 1 && (remainder >= deccut || remainder >= divisor / 2))) && i < 7) {
    remainder = quotient % divisor;
    quotient /= divisor;
    ++i;
  }
  if (((quotient == 9 && remainder < deccut) || quotient < 9) && i > 0) {
    int64_t s1 = quotient + ((remainder * 10 + divisor / 2) / divisor / 10);
    int64_t s2 = ((remainder * 10 + divisor / 2) / divisor) % 10;
    return fmt::format("{}.{}{}", sign * s1, s2, prefixes[i]);
  }
  return fmt::format("{}{}", sign * (quotient + (remainder + divisor / 2) / divisor), prefixes[i]);
}

Result<Rule> parse_rule(std::string_view text) {
  std::optional<std::string_view> rest = text;
  Rule r;
  auto subject = next_field(rest, ":");
  auto id = next_field(rest, ":");
  if (!id) return fail("malformed rule '{}': missing subject", text);
  r.subject = expand_subject(*subject);
  r.id = std::string(*id);
  if (auto resource = next_field(rest, ":")) r.resource = std::string(*resource);
  if (auto action = next_field(rest, "=/")) r.action = std::string(*action);
  if (auto amount = next_field(rest, "/"); amount && !amount->empty()) {
    auto n = expand_number(*amount);
    if (!n) return fail("malformed rule '{}': {}", text, n.error().message);
    r.amount = *n;
  }
  if (rest) r.per = expand_subject(*rest);
  if (r.per == r.subject) r.per.clear();
  if (!r.id.empty() && r.subject.empty())
    return fail("malformed rule '{}': subject-id '{}' without a subject", text, r.id);
  return r;
}

std::string first_missing(const Rule& r) {
  if (r.subject.empty()) return "subject";
  if (r.id.empty()) return "subject-id";
  if (r.resource.empty()) return "resource";
  if (r.action.empty()) return "action";
  if (!r.amount) return "amount";
  return "";
}

bool fully_specified(const Rule& r) { return first_missing(r).empty(); }

std::string format_rule(const Rule& r, bool human) {
  std::string amount = r.amount ? (human ? humanize_number(*r.amount) : std::to_string(*r.amount)) : "";
  std::string out = fmt::format("{}:{}:{}:{}={}", r.subject, r.id, r.resource, r.action, amount);
  if (!r.per.empty() && r.per != r.subject) out += "/" + r.per;
  return out;
}

bool matches(const Rule& rule, const Rule& filter) {
  if (!filter.subject.empty() && filter.subject != rule.subject) return false;
  if (!filter.id.empty() && filter.id != rule.id) return false;
  if (!filter.resource.empty() && filter.resource != rule.resource) return false;
  if (!filter.action.empty() && filter.action != rule.action) return false;
  if (filter.amount && filter.amount != rule.amount) return false;
  if (!filter.per.empty() && filter.per != rule.effective_per()) return false;
  return true;
}

}  // namespace jails::rctl
