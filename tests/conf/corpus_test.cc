// Real jail.conf files from public FreeBSD material (tests/data/jail.conf/*.conf). Each has a
// NAME.expected beside it: one line per check,
//   JAIL PARAM = VALUE      the expanded value (lists joined by ",")
//   JAIL ok                 resolves to a JailSpec
//   JAIL error SUBSTRING    fails to resolve, with this in its message
//   jails NAME NAME...      exactly these jails, in this order
//   syntax-error TEXT       the file does not parse, TEXT in the message
#include <gtest/gtest.h>

#include <filesystem>

#include "base/text.h"
#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

namespace fs = std::filesystem;

std::vector<std::string> corpus() {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(std::string(JAILS_TEST_DATA) + "/jail.conf"))
    if (e.path().extension() == ".conf") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

void check_line(const Config& c, const std::string& line) {
  auto w = split_blanks(line);
  if (w.empty() || w[0][0] == '#') return;
  if (w[0] == "jails") {
    std::vector<std::string> got;
    for (const auto& j : c.jails) got.push_back(j.name);
    EXPECT_EQ(got, std::vector<std::string>(w.begin() + 1, w.end()));
    return;
  }
  ASSERT_GE(w.size(), 2u) << line;
  const JailConf* j = c.find(w[0]);
  ASSERT_NE(j, nullptr) << "no jail " << w[0];
  if (w[1] == "ok") {
    auto s = resolve(*j);
    EXPECT_TRUE(s) << w[0] << ": " << (s ? "" : s.error().what());
  } else if (w[1] == "error") {
    auto s = resolve(*j);
    ASSERT_FALSE(s) << w[0] << " resolved but should fail with " << line;
    std::string want = std::string(trim(line.substr(line.find("error") + 5)));
    EXPECT_NE(s.error().what().find(want), std::string::npos) << s.error().what();
  } else {
    // "JAIL PARAM = VALUE"; an empty VALUE may lose its trailing blank.
    std::string l = line.ends_with(" =") ? line + " " : line;
    size_t eq = l.find(" = ");
    ASSERT_NE(eq, std::string::npos) << line;
    EXPECT_EQ(value_of(*j, w[1]), l.substr(eq + 3)) << line;
  }
}

TEST_P(Corpus, ParsesToTheExpectedJails) {
  std::string base = std::string(JAILS_TEST_DATA) + "/jail.conf/" + GetParam();
  LoadOptions opts;
  opts.root = "/nonexistent-corpus-root";  // `.include` lines must not read this machine's /etc
  auto text = read_file(base + ".conf");
  ASSERT_TRUE(text);
  auto c = parse_text(*text, base + ".conf", opts);
  auto expected = read_file(base + ".expected");
  ASSERT_TRUE(expected) << "missing " << base << ".expected";
  if (size_t at = expected->find("syntax-error "); at != std::string::npos) {
    std::string want = expected->substr(at + 13, expected->find('\n', at) - at - 13);
    ASSERT_FALSE(c) << "parsed, but should fail with " << want;
    EXPECT_NE(c.error().what().find(want), std::string::npos) << c.error().what();
    return;
  }
  ASSERT_TRUE(c) << c.error().what();
  int checks = 0;
  for (const auto& line : split(*expected, '\n')) {
    SCOPED_TRACE(line);
    check_line(*c, line);
    checks += !split_blanks(line).empty() && line[0] != '#';
  }
  EXPECT_GE(checks, 3) << "too few checks for " << GetParam();
}

INSTANTIATE_TEST_SUITE_P(Conf, Corpus, ::testing::ValuesIn(corpus()),
                         [](const auto& info) {
                           std::string n = info.param;
                           for (auto& ch : n)
                             if (!isalnum(static_cast<unsigned char>(ch))) ch = '_';
                           return n;
                         });

}  // namespace
}  // namespace jails::conf::test
