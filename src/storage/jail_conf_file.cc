#include "storage/jail_conf_file.h"

#include <algorithm>

#include "base/text.h"

namespace jails::storage {
namespace {

constexpr std::string_view kMarker = "# jailctl: dataset=";

bool param_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
}

}  // namespace

Result<void> check_jail_name(const std::string& name) {
  if (name.empty()) return fail("jail name '': empty");
  if (name.size() > 200) return fail("jail name '{}': too long", name);
  // FreeBSD: a jail name may hold dots (hierarchy); a file name here, so no '/' and no
  // leading dot, and nothing the jail.conf lexer would read as syntax.
  if (name.front() == '.' || name.front() == '-') return fail("jail name '{}': must not start with '{}'", name, name.front());
  if (parse_int(name)) return fail("jail name '{}': an all-digit name is a jid in jail(8)", name);
  for (char c : name)
    if (!param_char(c) && c != '-')
      return fail("jail name '{}': character '{}' not allowed (use A-Z a-z 0-9 _ - .)", name, c);
  return {};
}

Result<std::pair<std::string, std::optional<std::string>>> parse_param(const std::string& arg) {
  auto eq = arg.find('=');
  if (eq == 0 || arg.empty()) return fail("parameter '{}': expected name=value or a boolean name", arg);
  std::string name = arg.substr(0, eq);
  for (char c : name)
    if (!param_char(c)) return fail("parameter '{}': '{}' is not a jail parameter name", arg, name);
  if (name == "path" || name == "name" || name == "jid")
    return fail("parameter '{}': jailctl create sets {} itself", arg, name);
  if (eq == std::string::npos) return std::pair{name, std::optional<std::string>()};
  return std::pair{name, std::optional<std::string>(arg.substr(eq + 1))};
}

std::string quote_conf_value(const std::string& value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    if (c == '\\' || c == '"' || c == '$') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7f) {
      out += fmt::format("\\{:03o}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string format_jail_conf(const JailConfFile& f) {
  std::string out = fmt::format("# Written by jailctl create: a clone of {}.\n{}{}\n",
                                f.origin.empty() ? "nothing" : f.origin, kMarker, f.dataset);
  out += quote_conf_value(f.name) + " {\n";
  out += "\tpath = " + quote_conf_value(f.path) + ";\n";
  if (!f.prestart.empty()) out += "\texec.prestart += " + quote_conf_value(f.prestart) + ";\n";
  std::vector<std::string> seen;
  for (const auto& [name, value] : f.params) {
    bool again = std::find(seen.begin(), seen.end(), name) != seen.end();
    seen.push_back(name);
    if (!value)
      out += fmt::format("\t{};\n", name);
    else
      out += fmt::format("\t{} {} {};\n", name, again ? "+=" : "=", quote_conf_value(*value));
  }
  return out + "}\n";
}

std::string dataset_of_conf(const std::string& text) {
  for (const auto& line : split(text, '\n'))
    if (starts_with(line, kMarker)) return std::string(trim(line.substr(kMarker.size())));
  return "";
}

}  // namespace jails::storage
