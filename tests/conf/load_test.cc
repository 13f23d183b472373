// Files: .include (relative, glob, missing), load_for's per-jail file, the default file.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "base/text.h"
#include "conf_fixture.h"

namespace jails::conf::test {
namespace {

namespace fs = std::filesystem;

class LoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("conf_load_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(root_ / "etc/jail.conf.d");
    opts_.root = root_.string();
  }
  void TearDown() override { fs::remove_all(root_); }
  void write(const std::string& rel, const std::string& text) {
    fs::create_directories((root_ / rel).parent_path());
    std::ofstream(root_ / rel) << text;
  }
  fs::path root_;
  LoadOptions opts_;
};

TEST_F(LoadTest, IncludeGlobRelativeAndOrder) {
  write("etc/jail.conf", "persist;\n.include \"/etc/jail.conf.d/*.conf\";\n.include \"extra/j[.]conf\";\n"
                         ".include \"/etc/nothing/*.conf\";\n");
  write("etc/jail.conf.d/b.conf", "b { path = /b; }\n");
  write("etc/jail.conf.d/a.conf", "a { path = /a; }\n");
  write("etc/extra/j.conf", "c { path = \"/c/$name\"; }\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_TRUE(c) << c.error().what();
  ASSERT_EQ(c->jails.size(), 3u);
  EXPECT_EQ(c->jails[0].name, "a");
  EXPECT_EQ(c->jails[1].name, "b");
  EXPECT_EQ(c->jails[2].name, "c");
  EXPECT_EQ(value_of(c->jails[2], "path"), "/c/c");
  EXPECT_EQ(value_of(c->jails[0], "persist"), "") << "global parameters reach included jails";
  EXPECT_EQ(c->jails[1].loc.file, "/etc/jail.conf.d/b.conf");
}

TEST_F(LoadTest, IncludeInsideAJailAddsToThatJail) {
  write("etc/jail.conf", "web {\n  .include \"web.params\";\n  child { }\n}\n");
  write("etc/web.params", "path = /w;\nsub { persist; }\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_TRUE(c) << c.error().what();
  ASSERT_EQ(c->jails.size(), 3u);
  EXPECT_EQ(value_of(*c->find("web"), "path"), "/w");
  EXPECT_NE(c->find("web.sub"), nullptr) << "a block in an included file nests in the including jail";
  EXPECT_NE(c->find("web.child"), nullptr);
}

TEST_F(LoadTest, MissingPlainIncludeFails) {
  write("etc/jail.conf", "a { }\n.include \"/etc/missing.conf\";\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().what(), "/etc/jail.conf:2:1: /etc/missing.conf: No such file or directory");
}

TEST_F(LoadTest, SyntaxErrorInIncludedFileNamesThatFile) {
  write("etc/jail.conf", ".include \"/etc/jail.conf.d/*.conf\";\n");
  write("etc/jail.conf.d/bad.conf", "a {\n  path = /x\n}\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().what(), "/etc/jail.conf.d/bad.conf:3:1: syntax error at \"}\": expected \";\"");
}

TEST_F(LoadTest, IncludeLoopStops) {
  write("etc/jail.conf", ".include \"/etc/jail.conf\";\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().what().find("maximum include depth exceeded"), std::string::npos) << c.error().what();
}

TEST_F(LoadTest, MissingFile) {
  auto c = load_file("/etc/none.conf", opts_);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().what(), "/etc/none.conf: No such file or directory");
}

TEST_F(LoadTest, LoadForFallsBackToJailConfD) {
  write("etc/jail.conf", "a { path = /a; }\n");
  write("etc/jail.conf.d/web.conf", "web { path = /w; }\n");
  auto a = load_for("a", opts_);
  ASSERT_TRUE(a);
  EXPECT_NE(a->find("a"), nullptr);
  auto w = load_for("web", opts_);
  ASSERT_TRUE(w) << w.error().what();
  ASSERT_NE(w->find("web"), nullptr);
  EXPECT_EQ(value_of(*w->find("web"), "path"), "/w");
  auto none = load_for("zzz", opts_);
  ASSERT_TRUE(none);
  EXPECT_EQ(none->find("zzz"), nullptr);
}

TEST_F(LoadTest, LoadForWithoutJailConf) {
  write("etc/jail.conf.d/web.conf", "web { persist; }\n");
  auto w = load_for("web", opts_);
  ASSERT_TRUE(w) << w.error().what();
  EXPECT_NE(w->find("web"), nullptr);
}

TEST_F(LoadTest, DefaultJailConfIncludesJailConfD) {
  auto text = read_file(std::string(JAILS_SOURCE_DIR) + "/src/conf/jail.conf.default");
  ASSERT_TRUE(text);
  write("etc/jail.conf", *text);
  write("etc/jail.conf.d/web.conf", "web { persist; }\n");
  auto c = load_file("/etc/jail.conf", opts_);
  ASSERT_TRUE(c) << c.error().what();
  ASSERT_EQ(c->jails.size(), 1u);
  EXPECT_EQ(c->jails[0].name, "web");
}

}  // namespace
}  // namespace jails::conf::test
