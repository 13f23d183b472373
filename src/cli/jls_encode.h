// jls's --libxo json and xml output, written as libxo writes them (unpretty by default):
//   {"__version": "2", "jail-information": {"jail": [{"jid":1,"ipv4":"",...}, {...}]}}
// Inside a jail, fields are joined by "," and lists open with ", \"key\": [".
#pragma once

#include <string>
#include <vector>

namespace jails::cli {

struct XoField {
  enum class Kind { String, Number, Bool, List } kind = Kind::String;
  std::string key;
  std::string value;                // String, Number ("1"), Bool ("true"/"false")
  std::string item_key;             // List: XML element of each item ("ipv4_addr")
  std::vector<std::string> items;   // List

  static XoField string(std::string k, std::string v) { return {Kind::String, std::move(k), std::move(v), {}, {}}; }
  static XoField number(std::string k, std::string v) { return {Kind::Number, std::move(k), std::move(v), {}, {}}; }
  static XoField boolean(std::string k, bool v) { return {Kind::Bool, std::move(k), v ? "true" : "false", {}, {}}; }
  static XoField list(std::string k, std::string item, std::vector<std::string> v) {
    return {Kind::List, std::move(k), {}, std::move(item), std::move(v)};
  }
};
using XoRecord = std::vector<XoField>;

// The document: version 2, container "jail-information", list "jail", one instance per
// record. Ends with a newline.
std::string encode_jails(const std::vector<XoRecord>& jails, bool xml, bool pretty);

}  // namespace jails::cli
