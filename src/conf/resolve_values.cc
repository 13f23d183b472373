#include "conf/resolve_values.h"

#include <algorithm>
#include <cctype>
#include <strings.h>

#include <fmt/format.h>

#include "base/text.h"

namespace jails::conf {
namespace {

// strtol(3) as FreeBSD uses it: leading blanks, sign, digits; `whole` tells whether the
// string ended there, `digits` whether any digit was read.
struct Parsed {
  int64_t value = 0;
  bool whole = false, digits = false;
};
Parsed parse_long(std::string_view s) {
  Parsed r;
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    r.digits = true;
    if (r.value < (int64_t{1} << 55)) r.value = r.value * 10 + (s[i] - '0');
  }
  if (neg) r.value = -r.value;
  r.whole = i == s.size();
  if (!r.digits) r.value = 0;
  return r;
}

Result<std::string> check_bool(const JailConf& j, const Param& p, const ParamInfo& info, bool negated) {
  bool v = true;
  if (!p.values.empty()) {
    const std::string& last = p.values.back();
    Parsed n = parse_long(last);
    bool t = strcasecmp(last.c_str(), "true") == 0, f = strcasecmp(last.c_str(), "false") == 0;
    if (!t && !f && !n.whole) return jail_error(j, p.loc, fmt::format("{}: unknown boolean value \"{}\"", p.name, last));
    v = t || n.value != 0;
  }
  (void)info;
  return std::string((v != negated) ? "true" : "false");
}

// libjail: a bare name means "new"; words in any case, or their numbers (0 disable, 1 new,
// 2 inherit).
Result<std::string> check_jailsys(const JailConf& j, const Param& p, const ParamInfo& info) {
  bool two = info.id == ParamId::host || info.id == ParamId::vnet;  // no "disable"
  if (p.values.empty() || p.values.back().empty()) return std::string("new");
  std::string v = p.values.back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (v == "0") v = "disable";
  if (v == "1") v = "new";
  if (v == "2") v = "inherit";
  if (v == "new" || v == "inherit" || (v == "disable" && !two)) return v;
  return jail_error(j, p.loc, fmt::format("{}: unknown jailsys value \"{}\" (expected {})", p.name, p.values.back(),
                                          two ? "inherit or new" : "inherit, new or disable"));
}

// Type check; returns the canonical value list.
Result<std::vector<std::string>> check_type(const JailConf& j, const Param& p, const ParamInfo& info, bool negated) {
  switch (info.type) {
    case ParamType::Bool: return std::vector<std::string>{TRY(check_bool(j, p, info, negated))};
    case ParamType::JailSys: return std::vector<std::string>{TRY(check_jailsys(j, p, info))};
    case ParamType::Int: {
      if (p.values.empty()) return std::vector<std::string>{};
      Parsed n = parse_long(p.values.back());
      if (!n.digits || !n.whole)
        return jail_error(j, p.loc, fmt::format("{}: non-integer value \"{}\"", p.name, p.values.back()));
      return std::vector<std::string>{std::to_string(n.value)};
    }
    case ParamType::String:
      if (p.values.empty()) return std::vector<std::string>{};
      return std::vector<std::string>{p.values.back()};
    case ParamType::List: return p.values;
  }
  return p.values;
}

// Linux: refuse a value whose meaning cannot exist here.
Result<void> check_linux(const JailConf& j, const Param& p, const ParamInfo& info,
                         const std::vector<std::string>& vals) {
  if (info.status == LinuxStatus::Supported || vals.empty()) return {};
  if (info.status == LinuxStatus::DefaultOnly) {
    auto ok = split(info.accepted, ',');
    bool all = true;
    for (const auto& v : vals) all = all && std::find(ok.begin(), ok.end(), v) != ok.end() && !v.empty();
    if (all) return {};
    return jail_error(j, p.loc, fmt::format("{}: value \"{}\" is not supported on Linux ({}); accepted: {}", p.name,
                                            join(vals, ","), info.note, info.accepted.empty() ? "none" : info.accepted));
  }
  return jail_error(j, p.loc, fmt::format("{}: not supported on Linux ({})", p.name, info.note));
}

bool keyed(std::string_view name, std::string_view base) {
  return name.size() > base.size() + 1 && name.starts_with(base) && name[base.size()] == '.';
}

}  // namespace

std::unexpected<Error> jail_error(const JailConf& jail, const Loc& loc, std::string_view msg) {
  std::string who = jail.name.empty() ? "" : jail.name + ": ";
  if (loc.line == 0) return std::unexpected(Error{fmt::format("{}{}", who, msg), 0});
  return std::unexpected(Error{fmt::format("{}{}:{}:{}: {}", who, loc.file, loc.line, loc.column, msg), 0});
}

const std::string& Values::last(ParamId id) const {
  static const std::string empty;
  const Value& x = (*this)[id];
  return x.values.empty() ? empty : x.values.back();
}

bool Values::flag(ParamId id) const {
  if (is_set(id) && !(*this)[id].values.empty()) return last(id) == "true";
  return param_info(id).def == "true";
}

int64_t Values::number(ParamId id) const {
  if (is_set(id) && !(*this)[id].values.empty()) return parse_long(last(id)).value;
  return parse_long(param_info(id).def).value;
}

Result<Values> check_values(const JailConf& j) {
  Values out;
  for (const Param& p : j.params) {
    bool negated = false;
    const ParamInfo* info = lookup_param(p.name, &negated);
    if (!info) {
      std::string near = suggest_param(p.name);
      std::string hint = near.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", near);
      return jail_error(j, p.loc, fmt::format("unknown parameter \"{}\"{}", p.name, hint));
    }
    if (info->kind == ParamKind::ReadOnly)
      return jail_error(j, p.loc, fmt::format("{}: read-only parameter", p.name));
    if (keyed(p.name, "meta") || keyed(p.name, "env")) {
      std::string key = p.name.substr(p.name.find('.') + 1);
      std::optional<std::string> v;
      if (!p.values.empty()) v = p.values.back();
      out.edits.push_back(KeyEdit{info->id, key, v});
      continue;
    }
    auto vals = TRY(check_type(j, p, *info, negated));
    TRY(check_linux(j, p, *info, vals));
    Value& slot = out[info->id];
    slot.set = true;
    slot.values = std::move(vals);
    slot.loc = p.loc;
  }
  return out;
}

}  // namespace jails::conf
