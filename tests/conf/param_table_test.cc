// The parameter table: lookups, order, and docs/compat.md agreeing with it.
#include <gtest/gtest.h>

#include "base/text.h"
#include "conf/param_table.h"

namespace jails::conf {
namespace {

TEST(ParamTable, Lookup) {
  bool neg = false;
  EXPECT_EQ(lookup_param("allow.nomount", &neg)->name, "allow.mount");
  EXPECT_TRUE(neg);
  EXPECT_EQ(lookup_param("allow.mount.nodevfs", &neg)->name, "allow.mount.devfs");
  EXPECT_EQ(lookup_param("nopersist", &neg)->name, "persist");
  EXPECT_EQ(lookup_param("noname", &neg), nullptr) << "only booleans take no";
  EXPECT_EQ(lookup_param("allow.nomount.devfs", &neg), nullptr) << "only on the last component";
  EXPECT_EQ(lookup_param("meta.owner", &neg)->name, "meta");
  EXPECT_EQ(lookup_param("exec.start", &neg)->type, ParamType::List);
  EXPECT_EQ(find_param("allow.raw_socket"), nullptr);
  EXPECT_EQ(suggest_param("allow.raw_socket"), "allow.raw_sockets");
  EXPECT_EQ(suggest_param("exec.prestrat"), "exec.prestart");
  EXPECT_EQ(suggest_param("completely_unrelated"), "");
}

TEST(ParamTable, KernelParametersComeInRegistrationOrder) {
  std::vector<std::string_view> top, dotted;
  bool pseudo_seen = false;
  for (const auto& p : all_params()) {
    if (p.kind == ParamKind::Pseudo) {
      pseudo_seen = true;
      continue;
    }
    EXPECT_FALSE(pseudo_seen) << p.name << ": kernel parameters come before pseudo-parameters";
    (p.name.find('.') == std::string_view::npos ? top : dotted).push_back(p.name);
  }
  EXPECT_TRUE(std::is_sorted(top.begin(), top.end()));
  EXPECT_TRUE(std::is_sorted(dotted.begin(), dotted.end()));
  EXPECT_FALSE(settable(*find_param("children.cur")));
  EXPECT_TRUE(settable(*find_param("children.max")));
  EXPECT_FALSE(settable(*find_param("exec.start")));
}

TEST(ParamTable, DefaultOnlyEntriesAcceptTheirDefault) {
  for (const auto& p : all_params()) {
    if (p.status != LinuxStatus::DefaultOnly || p.def.empty()) continue;
    auto ok = split(p.accepted, ',');
    EXPECT_NE(std::find(ok.begin(), ok.end(), std::string(p.def)), ok.end()) << p.name;
  }
}

// docs/compat.md has one row per parameter: | `name` | status | ...
TEST(ParamTable, CompatDocListsEveryParameterWithItsStatus) {
  auto doc = read_file(std::string(JAILS_SOURCE_DIR) + "/docs/compat.md");
  ASSERT_TRUE(doc);
  for (const auto& p : all_params()) {
    std::string row = "| `" + std::string(p.name) + "` | " + std::string(status_name(p.status)) + " |";
    EXPECT_NE(doc->find(row), std::string::npos) << "docs/compat.md lacks the row " << row;
  }
}

}  // namespace
}  // namespace jails::conf
