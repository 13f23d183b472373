// Deterministic mutation test: corpus inputs with byte flips, truncation, splicing and
// inserted quotes/braces/$ go through parse + expand + resolve + exhibit + ordering. Nothing
// may crash or hang (the test runs under the CTest timeout).
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <random>

#include "base/text.h"
#include "conf/config.h"

namespace jails::conf {
namespace {

std::vector<std::string> seeds() {
  std::vector<std::string> out = {
      "a { path = \"/j/$name\"; ip4.addr = 10.0.0.1, 10.0.0.2; }",
      "$x = 1; \"foo.*\" { persist; } foo { b { c = ${x}; } }",
      "12 { host.hostname = \"${name}\"; exec.start += 'x'; depend = 13; } 13 { depend = 12; }",
      "/* c */ a // d\n { # e\n exec.start = \"a\\\"b\\x41\\101\"; }"};
  std::filesystem::path dir = std::string(JAILS_TEST_DATA) + "/jail.conf";
  std::vector<std::filesystem::path> files;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    if (e.path().extension() == ".conf") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  for (const auto& f : files)
    if (auto t = read_file(f.string())) out.push_back(*t);
  return out;
}

std::string mutate(std::string s, const std::vector<std::string>& all, std::mt19937& rng) {
  static const std::string inserts[] = {"\"", "'", "{", "}", "$", "${", ";", "=", "+=", ",", "\\",
                                        "/*", "//", "#", "\n", "*", "foo.*", "$x", "\"$", "\\x", "no"};
  auto pick = [&](size_t n) { return n == 0 ? 0 : std::uniform_int_distribution<size_t>(0, n - 1)(rng); };
  int rounds = 1 + static_cast<int>(pick(4));
  for (int r = 0; r < rounds; ++r) {
    switch (pick(5)) {
      case 0:
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1 << pick(8));
        break;
      case 1: s.resize(pick(s.size() + 1)); break;
      case 2: {
        const std::string& o = all[pick(all.size())];
        size_t at = pick(o.size() + 1);
        s = s.substr(0, pick(s.size() + 1)) + o.substr(at);
        break;
      }
      case 3: s.insert(pick(s.size() + 1), inserts[pick(std::size(inserts))]); break;
      default:
        if (!s.empty()) s.erase(pick(s.size()), pick(8));
    }
  }
  return s;
}

void exercise(const std::string& text) {
  LoadOptions opts;
  opts.root = "/nonexistent-conf-fuzz-root";  // includes find nothing real
  auto c = parse_text(text, "fuzz", opts);
  if (!c) {
    EXPECT_FALSE(c.error().what().empty());
    return;
  }
  for (const auto& j : c->jails) {
    auto s = resolve(j);
    if (!s) {
      EXPECT_FALSE(s.error().what().empty());
    }
    (void)exhibit(j, " ");
  }
  (void)start_order(*c);
  (void)stop_order(*c);
}

// CONF_FUZZ_ITERATIONS and CONF_FUZZ_SEED run a longer or different campaign by hand
// (e.g. under -DJAILS_SANITIZE=ON); the default is fixed so CI is reproducible.
long env_or(const char* name, long def) {
  const char* v = std::getenv(name);
  return v ? std::strtol(v, nullptr, 10) : def;
}

TEST(Fuzz, MutatedCorpusNeverCrashes) {
  auto all = seeds();
  ASSERT_GE(all.size(), 4u);
  std::mt19937 rng(static_cast<unsigned>(env_or("CONF_FUZZ_SEED", 20260101)));
  long n = env_or("CONF_FUZZ_ITERATIONS", 4000);
  int parsed = 0;
  for (long i = 0; i < n; ++i) {
    std::string in = mutate(all[i % all.size()], all, rng);
    exercise(in);
    parsed += parse_text(in, "fuzz", LoadOptions{"/etc/jail.conf", "/nonexistent"}).has_value();
  }
  // The mutations must leave a fair share parseable, or the later layers were never reached.
  EXPECT_GT(parsed, n / 20);
}

}  // namespace
}  // namespace jails::conf
