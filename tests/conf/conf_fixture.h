// Shared by the conf tests: parse text and fetch one jail, failing the test loudly.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "conf/config.h"

namespace jails::conf::test {

inline Config parse_ok(const std::string& text, const std::string& file = "test.conf") {
  auto r = parse_text(text, file);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().what());
  return r ? *r : Config{};
}

inline std::string parse_error(const std::string& text, const std::string& file = "test.conf") {
  auto r = parse_text(text, file);
  EXPECT_FALSE(r.has_value()) << "expected a syntax error for: " << text;
  return r ? "" : r.error().what();
}

inline const JailConf& jail_of(const Config& c, const std::string& name) {
  static const JailConf none;
  const JailConf* j = c.find(name);
  EXPECT_NE(j, nullptr) << "no jail " << name;
  return j ? *j : none;
}

// The values of one parameter, joined by ",", or "<unset>".
inline std::string value_of(const JailConf& j, const std::string& param) {
  const Param* p = j.find(param);
  if (!p) return "<unset>";
  std::string out;
  for (size_t i = 0; i < p->values.size(); ++i) out += (i ? "," : "") + p->values[i];
  return out;
}

inline JailSpec spec_of(const std::string& text, const std::string& name) {
  Config c = parse_ok(text);
  auto s = resolve(jail_of(c, name));
  EXPECT_TRUE(s.has_value()) << (s ? "" : s.error().what());
  return s ? *s : JailSpec{};
}

inline std::string resolve_error(const std::string& text, const std::string& name) {
  Config c = parse_ok(text);
  auto s = resolve(jail_of(c, name));
  EXPECT_FALSE(s.has_value()) << "expected an error for: " << text;
  return s ? "" : s.error().what();
}

}  // namespace jails::conf::test
