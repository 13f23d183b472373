// kill -9 in the middle of every verb (JAILCTL_CRASH_AT makes jailctl SIGKILL itself at
// a named point): the next command sees the old state when the crash came before the
// commit, the new state after it, and no leftovers.
#include <dirent.h>
#include <gtest/gtest.h>

#include <cstdlib>

#include "harness.h"

namespace jails::storage::test {
namespace {

struct VerbCase {
  const char* label;
  std::vector<std::string> args;
  const char* commit;  // the name its crash points carry
  const char* new_names;
};

const char* kOldNames = "j/a\nj/a@s1\n";

std::vector<VerbCase> verb_cases() {
  return {
      {"snapshot", {"dataset", "snapshot", "j/a@s2"}, "snapshot", "j/a\nj/a@s1\nj/a@s2\n"},
      {"clone", {"dataset", "clone", "j/a@s1", "j/c"}, "clone", "j/a\nj/a@s1\nj/c\n"},
      {"rollback", {"dataset", "rollback", "j/a@s1"}, "rollback", kOldNames},
      {"destroy_snap", {"dataset", "destroy", "j/a@s1"}, "destroy", "j/a\n"},
      {"destroy_r", {"dataset", "destroy", "-r", "j/a"}, "destroy", ""},
      {"rename", {"dataset", "rename", "j/a", "j/b"}, "rename", "j/b\nj/b@s1\n"},
      {"create", {"dataset", "create", "j/n"}, "create", "j/a\nj/a@s1\nj/n\n"},
  };
}

size_t entries(const std::string& dir) {
  size_t n = 0;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (auto* e = ::readdir(d)) n += e->d_name[0] != '.';
    ::closedir(d);
  }
  return n;
}

class Crash : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::string why;
    if (!backend_available(GetParam(), &why)) {
      if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
        FAIL() << GetParam() << " unavailable under CI: " << why;
      GTEST_SKIP() << GetParam() << " unavailable: " << why;
    }
  }
  // j/a with v=1 in @s1 and v=2 now.
  Root base() {
    Root r = make_root(GetParam());
    EXPECT_TRUE(r.ctl({"dataset", "create", "-p", "j/a"}).ok());
    write_text(r.dir + "/j/a/v", "1");
    EXPECT_TRUE(r.ctl({"dataset", "snapshot", "j/a@s1"}).ok());
    write_text(r.dir + "/j/a/v", "2");
    return r;
  }
  void check_clean(const Root& r) {
    EXPECT_EQ(entries(r.dir + "/.jailctl/tmp"), 0u) << "leftovers in tmp/";
    for (const auto& name : {"j/c", "j/n", "j/b", "j/a"}) {
      (void)r.ctl({"dataset", "destroy", name});
      (void)r.ctl({"dataset", "destroy", "-r", name});
    }
    EXPECT_EQ(r.names(), "");
    EXPECT_EQ(entries(r.dir + "/.jailctl/obj"), 0u) << "objects left after destroying everything";
    EXPECT_FALSE(exists(r.dir + "/j")) << "mountpoint directories left";
    unmount_below(r.dir);
  }
};

TEST_P(Crash, EveryVerbAtEveryPoint) {
  for (const auto& v : verb_cases()) {
    for (std::string point : {std::string(v.commit) + ":prepared", std::string(v.commit) + ":committed",
                              std::string("redo:done")}) {
      SCOPED_TRACE(std::string(v.label) + " killed at " + point);
      Root r = base();
      Ran crashed = r.ctl(v.args, {{"JAILCTL_CRASH_AT", point}});
      bool redo_empty = point == "redo:done" && crashed.status == 0;  // a verb with no redo steps
      if (!redo_empty) {
        ASSERT_EQ(crashed.status, 128 + 9) << crashed.err;
      }
      bool after_commit = point != std::string(v.commit) + ":prepared";
      std::string want = after_commit ? v.new_names : kOldNames;
      EXPECT_EQ(r.names(), want);
      // Overlay mounts do not survive the crash any more than a reboot: mount on demand.
      Ran m = r.ctl({"dataset", "mount", "-a"});
      EXPECT_TRUE(m.ok()) << m.err;
      std::string label = v.label;
      if (label == "rollback") {
        EXPECT_EQ(read_text(r.dir + "/j/a/v"), after_commit ? "1" : "2");
      } else if (!after_commit) {
        EXPECT_EQ(read_text(r.dir + "/j/a/v"), "2");
      } else if (label == "clone") {
        EXPECT_EQ(read_text(r.dir + "/j/c/v"), "1");
      } else if (label == "rename") {
        EXPECT_EQ(read_text(r.dir + "/j/b/v"), "2");
      }
      check_clean(r);
    }
  }
}

// A template filled from a stream is killed half way through the files.
TEST_P(Crash, ImportKilledMidStream) {
  Root r = base();
  std::string stream = r.etc + "/s.tar.zst";
  ASSERT_TRUE(r.ctl({"dataset", "export", "j/a@s1"}, {}, "", stream).ok());
  Ran crashed = r.ctl({"dataset", "import", "j/n"}, {{"JAILCTL_CRASH_AT", "import:entry"}}, stream);
  EXPECT_EQ(crashed.status, 128 + 9) << crashed.err;
  EXPECT_EQ(r.names(), kOldNames) << "a half-imported dataset must not survive";
  check_clean(r);
}

INSTANTIATE_TEST_SUITE_P(Backends, Crash, ::testing::Values("directory", "overlay", "btrfs"),
                         [](const auto& info) { return info.param; });

// zfs: each verb is one atomic zfs command; the multi-step create-and-fill is the case.
class CrashZfs : public Crash {};
TEST_P(CrashZfs, ImportKilledMidStream) {
  Root r = make_root("zfs");
  ASSERT_TRUE(r.ctl({"dataset", "create", "-p", "j/a"}).ok());
  std::string a = r.ctl({"dataset", "list", "-H", "-o", "mountpoint", "j/a"}).out;
  a = a.substr(0, a.find('\n'));
  write_text(a + "/v", "1");
  ASSERT_TRUE(r.ctl({"dataset", "snapshot", "j/a@s1"}).ok());
  std::string stream = r.etc + "/s.tar.zst";
  ASSERT_TRUE(r.ctl({"dataset", "export", "j/a@s1"}, {}, "", stream).ok());
  std::string before = r.names();
  for (const char* point : {"create:prepared", "import:entry", "create:populated"}) {
    SCOPED_TRACE(point);
    Ran crashed = r.ctl({"dataset", "import", "j/n"}, {{"JAILCTL_CRASH_AT", point}}, stream);
    EXPECT_EQ(crashed.status, 128 + 9) << crashed.err;
    EXPECT_EQ(r.names(), before);
  }
  EXPECT_TRUE(r.ctl({"dataset", "import", "j/n"}, {}, stream).ok());
  EXPECT_EQ(read_text(r.dir.empty() ? "" : a.substr(0, a.rfind('/')) + "/n/v"), "1");
}
INSTANTIATE_TEST_SUITE_P(Backends, CrashZfs, ::testing::Values("zfs"), [](const auto& info) { return info.param; });

}  // namespace
}  // namespace jails::storage::test
