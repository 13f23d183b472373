#include <algorithm>

#include "cli/jailctl.h"

namespace jails::cli::jailctl {

std::string Flags::value(char c, const std::string& dflt) const {
  for (auto it = values.rbegin(); it != values.rend(); ++it)
    if (it->first == c) return it->second;
  return dflt;
}

Result<Flags> parse_flags(const Args& args, const std::string& allowed, const std::string& with_value) {
  Flags f;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--json") {
      f.json = true;
      continue;
    }
    if (a == "--") {
      ++i;
      break;
    }
    if (a.size() < 2 || a[0] != '-') break;
    for (size_t k = 1; k < a.size(); ++k) {
      char c = a[k];
      if (with_value.find(c) != std::string::npos) {
        std::string v = k + 1 < a.size() ? a.substr(k + 1) : (i + 1 < args.size() ? args[++i] : "");
        if (v.empty()) return fail("option -{}: needs a value", c);
        f.values.emplace_back(c, v);
        break;
      }
      if (allowed.find(c) == std::string::npos) return fail("option -{}: unknown here", c);
      f.letters += c;
    }
  }
  f.rest.assign(args.begin() + i, args.end());
  return f;
}

// zfs(8): three significant digits and a binary suffix: 512B 1.50K 12.3M 123G.
std::string human_size(uint64_t bytes) {
  if (bytes < 1024) return fmt::format("{}B", bytes);
  const char* units = "KMGTPE";
  double v = bytes;
  int u = -1;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  if (v < 10) return fmt::format("{:.2f}{}", v, units[u]);
  if (v < 100) return fmt::format("{:.1f}{}", v, units[u]);
  return fmt::format("{:.0f}{}", v, units[u]);
}

std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, bool scripted) {
  std::string out;
  if (scripted) {  // zfs -H: no header, one tab between fields
    for (const auto& r : rows) {
      for (size_t i = 0; i < r.size(); ++i) out += (i ? "\t" : "") + r[i];
      out += "\n";
    }
    return out;
  }
  std::vector<size_t> width(header.size());
  for (size_t i = 0; i < header.size(); ++i) width[i] = header[i].size();
  for (const auto& r : rows)
    for (size_t i = 0; i < r.size() && i < width.size(); ++i) width[i] = std::max(width[i], r[i].size());
  auto line = [&](const std::vector<std::string>& r) {
    std::string l;
    for (size_t i = 0; i < r.size(); ++i)
      l += i + 1 == r.size() ? r[i] : fmt::format("{:<{}}  ", r[i], width[i]);
    out += l + "\n";
  };
  line(header);
  for (const auto& r : rows) line(r);
  return out;
}

nlohmann::json dataset_json(const storage::DatasetInfo& d) {
  return {{"name", d.name}, {"type", d.type}, {"used", d.used}, {"refer", d.refer},
          {"origin", d.origin.empty() ? nlohmann::json() : nlohmann::json(d.origin)},
          {"mountpoint", d.mountpoint.empty() ? nlohmann::json() : nlohmann::json(d.mountpoint)},
          {"mounted", d.mounted}, {"readonly", d.readonly}, {"creation", d.creation}};
}

}  // namespace jails::cli::jailctl
