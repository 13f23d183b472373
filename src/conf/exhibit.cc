#include "conf/exhibit.h"

namespace jails::conf {

std::string quote_value(std::string_view v) {
  char q = 0;
  if (v.empty() || v.find('\'') != std::string_view::npos) q = '"';
  else if (v.find('"') != std::string_view::npos) q = '\'';
  else if (v.find_first_of(" \t") != std::string_view::npos) q = '"';
  std::string out;
  if (q) out += q;
  for (char c : v) {
    if (c == '\\' || (q && c == q)) out += '\\';
    out += c;
  }
  if (q) out += q;
  return out;
}

std::string exhibit(const JailConf& jail, std::string_view sep) {
  std::string out;
  bool first = true;
  for (const auto& p : jail.params) {
    if (p.name == "jid") continue;  // FreeBSD: the jid is printed only for a running jail
    if (!first) out += sep;
    first = false;
    out += p.name;
    if (p.values.empty()) continue;
    out += '=';
    for (size_t i = 0; i < p.values.size(); ++i) {
      if (i) out += ',';
      out += quote_value(p.values[i]);
    }
  }
  out += '\n';
  return out;
}

std::string exhibit(const Config& config, std::string_view sep) {
  std::string out;
  for (const auto& j : config.jails) out += exhibit(j, sep);
  return out;
}

}  // namespace jails::conf
