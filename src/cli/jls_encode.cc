#include "cli/jls_encode.h"

#include <nlohmann/json.hpp>

namespace jails::cli {
namespace {

constexpr const char* kVersion = "2";  // FreeBSD: JLS_XO_VERSION

std::string json_string(const std::string& s) {
  return nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string json_value(const XoField& f) {
  return f.kind == XoField::Kind::String ? json_string(f.value) : f.value;
}

// libxo's unpretty JSON: fields "k":v joined by ",", a list as ", \"k\": [...]".
std::string json_compact(const std::vector<XoRecord>& jails) {
  std::string out = std::string("{\"__version\": \"") + kVersion + "\", \"jail-information\": {\"jail\": [";
  for (size_t i = 0; i < jails.size(); ++i) {
    out += i ? ", {" : "{";
    bool first = true;
    for (const auto& f : jails[i]) {
      if (f.kind == XoField::Kind::List) {
        out += (first ? "" : ", ") + json_string(f.key) + ": [";
        for (size_t k = 0; k < f.items.size(); ++k) out += (k ? "," : "") + json_string(f.items[k]);
        out += "]";
      } else {
        out += (first ? "" : ",") + json_string(f.key) + ":" + json_value(f);
      }
      first = false;
    }
    out += "}";
  }
  return out + "]}}\n";
}

std::string json_pretty(const std::vector<XoRecord>& jails) {
  std::string out = std::string("{\n  \"__version\": \"") + kVersion + "\",\n  \"jail-information\": {\n    \"jail\": [\n";
  for (size_t i = 0; i < jails.size(); ++i) {
    out += "      {\n";
    for (size_t k = 0; k < jails[i].size(); ++k) {
      const auto& f = jails[i][k];
      out += "        " + json_string(f.key) + ": ";
      if (f.kind == XoField::Kind::List) {
        out += "[";
        for (size_t n = 0; n < f.items.size(); ++n) out += (n ? ",\n" : "\n") + std::string(10, ' ') + json_string(f.items[n]);
        out += f.items.empty() ? "]" : "\n        ]";
      } else {
        out += json_value(f);
      }
      out += k + 1 < jails[i].size() ? ",\n" : "\n";
    }
    out += i + 1 < jails.size() ? "      },\n" : "      }\n";
  }
  return out + "    ]\n  }\n}\n";
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string xml(const std::vector<XoRecord>& jails, bool pretty) {
  std::string nl = pretty ? "\n" : "";
  auto ind = [&](int n) { return pretty ? std::string(2 * n, ' ') : std::string(); };
  auto elem = [&](int n, const std::string& k, const std::string& v) {
    return ind(n) + "<" + k + ">" + xml_escape(v) + "</" + k + ">" + nl;
  };
  std::string out = std::string("<jail-information version=\"") + kVersion + "\">" + nl;
  for (const auto& rec : jails) {
    out += ind(1) + "<jail>" + nl;
    for (const auto& f : rec) {
      if (f.kind != XoField::Kind::List) out += elem(2, f.key, f.value);
      else for (const auto& item : f.items) out += elem(2, f.item_key, item);
    }
    out += ind(1) + "</jail>" + nl;
  }
  return out + "</jail-information>\n";
}

}  // namespace

std::string encode_jails(const std::vector<XoRecord>& jails, bool as_xml, bool pretty) {
  if (as_xml) return xml(jails, pretty);
  return pretty ? json_pretty(jails) : json_compact(jails);
}

}  // namespace jails::cli
