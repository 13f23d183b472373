// jls and jexec on real jails, through the built binaries, as root. Each test makes its
// own uniquely named persistent jail on a small busybox root and removes it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "harness.h"
#include "jail/record.h"

using namespace jails::test;

namespace {

std::string jail() { return bin("jail"); }
std::string jls() { return bin("jls"); }
std::string jexec() { return bin("jexec"); }

// A small busybox root: the applets these tests run, the users of mkroot-busybox.sh.
// Made with syscalls in milliseconds (the full script forks once per applet, which
// takes seconds on a loaded machine, and ctest runs every test in its own process).
class MiniRoot {
 public:
  MiniRoot() {
    char tmpl[] = "/tmp/jails-cli-root-XXXXXX";
    path_ = ::mkdtemp(tmpl);
    namespace fs = std::filesystem;
    for (const char* d : {"bin", "etc", "dev", "proc", "sys", "tmp", "root", "home/www"}) fs::create_directories(path_ + "/" + d);
    fs::permissions(path_, fs::perms(0755));
    fs::copy_file("/bin/busybox", path_ + "/bin/busybox");
    for (const char* a : {"sh", "hostname", "id", "ls", "pwd", "true", "cat", "readlink", "env"})
      fs::create_symlink("busybox", path_ + "/bin/" + a);
    write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nwww:x:80:80:web server:/home/www:/bin/sh\n");
    write("etc/group", "root:x:0:\nwww:x:80:\nstaff:x:50:www\n");
    write("etc/motd", "busybox root\n");
    if (::chown((path_ + "/home/www").c_str(), 80, 80) < 0) ADD_FAILURE() << "chown home/www";
  }
  ~MiniRoot() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  void write(const std::string& rel, const std::string& text) { std::ofstream(path_ + "/" + rel) << text; }
  std::string path_;
};

const MiniRoot& shared_root() {
  static MiniRoot root;
  return root;
}

// A running persistent jail named t<pid>_<n>_<base>, with procfs, removed at the end.
class LiveJail : public ::testing::Test {
 protected:
  void SetUp() override {
    JAILS_REQUIRE_ROOT();
    root = &shared_root();
    name = unique("cli");
    auto r = run({jail(), "-q", "-c", "name=" + name, "path=" + root->path(), "host.hostname=" + name + ".test",
                  "mount.procfs", "persist"});
    ASSERT_EQ(r.status, 0) << r.err;
    created = true;
    auto j = run({jls(), "-j", name, "jid"});
    ASSERT_EQ(j.status, 0) << j.err;
    jid = j.out.substr(0, j.out.find('\n'));
  }
  void TearDown() override {
    if (created) {
      auto r = run({jail(), "-q", "-r", name});
      EXPECT_EQ(r.status, 0) << r.err;
    }
  }
  const MiniRoot* root = nullptr;
  std::string name, jid;
  bool created = false;
};

using Jls = LiveJail;
using Jexec = LiveJail;

std::string row(const std::string& jid, const std::string& host, const std::string& path) {
  auto pad = [](std::string s, size_t w) { return s.size() < w ? s + std::string(w - s.size(), ' ') : s.substr(0, w); };
  return std::string(6 - jid.size(), ' ') + jid + "  " + pad("", 15) + " " + pad(host, 29) + " " + path + "\n";
}

TEST_F(Jls, ListsTheLiveJailAndNotARemovedOne) {
  auto r = run({jls()});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.rfind("   JID  IP Address      Hostname                      Path\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find(row(jid, name + ".test", root->path())), std::string::npos) << r.out;
  EXPECT_EQ(run({jls(), "-c", "-j", name}).status, 0);

  ASSERT_EQ(run({jail(), "-q", "-r", name}).status, 0);
  created = false;
  r = run({jls()});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.find(name), std::string::npos) << r.out;
  r = run({jls(), "-j", name});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "jls: jail \"" + name + "\" not found\n");
  r = run({jls(), "-j", jid, "name"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "jls: jail " + jid + " not found\n");
  r = run({jls(), "-c", "-j", name});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out + r.err, "");
}

TEST_F(Jls, SelectsByNameAndByJid) {
  auto by_name = run({jls(), "-j", name, "jid", "name", "path", "host.hostname", "persist"});
  auto by_jid = run({jls(), "-j", jid, "jid", "name", "path", "host.hostname", "persist"});
  ASSERT_EQ(by_name.status, 0) << by_name.err;
  EXPECT_EQ(by_name.out, jid + " " + name + " " + root->path() + " " + name + ".test true\n");
  EXPECT_EQ(by_jid.out, by_name.out);
  auto n = run({jls(), "-n", "-j", jid, "name", "persist", "host", "ip4.addr"});
  EXPECT_EQ(n.out, "name=" + name + " persist host=new ip4.addr=\n");
  auto s = run({jls(), "-s", "-j", name, "name", "path", "persist", "dying", "children.cur"});
  EXPECT_EQ(s.out, "name=" + name + " path=" + root->path() + " persist\n");
}

// FreeBSD: -s prints what jail(8) takes back; a jail made again from it is the same jail.
TEST_F(Jls, SettableParametersRecreateTheJail) {
  auto before = run({jls(), "-n", "-j", name});
  auto settable = run({jls(), "-s", "-j", name});
  ASSERT_EQ(settable.status, 0) << settable.err;
  EXPECT_EQ(settable.out.find("dying"), std::string::npos);
  EXPECT_EQ(settable.out.find("cpuset.id"), std::string::npos);
  ASSERT_EQ(run({jail(), "-q", "-r", name}).status, 0);
  created = false;
  auto again = sh(jail() + " -q -c " + settable.out);
  ASSERT_EQ(again.status, 0) << again.err;
  created = true;
  auto after = run({jls(), "-n", "-j", name});
  auto without_cpuset = [](std::string s) {
    auto at = s.find(" cpuset.id=");
    return at == std::string::npos ? s : s.erase(at, s.find(' ', at + 1) - at);
  };
  EXPECT_EQ(without_cpuset(after.out), without_cpuset(before.out));
}

TEST_F(Jls, VerboseAndJson) {
  auto v = run({jls(), "-v", "-j", name});
  ASSERT_EQ(v.status, 0) << v.err;
  EXPECT_NE(v.out.find("\n        " + name + std::string(name.size() < 29 ? 29 - name.size() : 0, ' ') + " ACTIVE\n"),
            std::string::npos)
      << v.out;
  auto j = run({jls(), "-j", name, "--libxo", "json", "name", "host.hostname"});
  EXPECT_EQ(j.out, "{\"__version\": \"2\", \"jail-information\": {\"jail\": [{\"name\":\"" + name +
                       "\",\"host.hostname\":\"" + name + ".test\"}]}}\n");
}

TEST_F(Jls, UnknownParameter) {
  auto r = run({jls(), "-j", name, "bogus.param"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "jls: unknown parameter: bogus.param\n");
}

TEST_F(Jexec, RunsInTheJailsNamespaces) {
  auto r = run({jexec(), name, "hostname"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, name + ".test\n");
  r = run({jexec(), jid, "sh", "-c", "echo $$; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; cat /proc/1/comm"});
  ASSERT_EQ(r.status, 0) << r.err;
  std::istringstream in(r.out);
  std::string pid, pidns, mntns, init;
  in >> pid >> pidns >> mntns >> init;
  EXPECT_GT(std::stoi(pid), 1);
  EXPECT_LT(std::stoi(pid), 1000) << "a pid of the jail's own pid namespace";
  char buf[128] = {};
  ASSERT_GT(::readlink("/proc/self/ns/pid", buf, sizeof buf - 1), 0);
  EXPECT_NE(pidns, std::string(buf));
  EXPECT_EQ(init, "jail-init");
  r = run({jexec(), name, "ls", "/etc/motd"});
  EXPECT_EQ(r.out, "/etc/motd\n") << "the jail's root, not the host's";
}

TEST_F(Jexec, ExitStatusPassesThrough) {
  EXPECT_EQ(run({jexec(), name, "sh", "-c", "exit 7"}).status, 7);
  EXPECT_EQ(run({jexec(), name, "true"}).status, 0);
  // Killed by a signal: the caller sees the same death, as if jexec were the command.
  EXPECT_EQ(run({jexec(), name, "sh", "-c", "kill -TERM $$"}).status, 128 + SIGTERM);
  auto r = run({jexec(), name, "/no/such/program"});
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.err, "jexec: execvp: /no/such/program: No such file or directory\n");
}

TEST_F(Jexec, JailUserAndHostUser) {
  auto r = run({jexec(), "-U", "www", name, "id"});
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.substr(0, r.out.find(' ')), "uid=80(www)");
  EXPECT_NE(r.out.find("50(staff)"), std::string::npos) << "supplementary groups from the jail: " << r.out;
  r = run({jexec(), "-u", "root", name, "id", "-u"});
  EXPECT_EQ(r.out, "0\n") << r.err;
  r = run({jexec(), "-U", "nosuchuser", name, "true"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("nosuchuser"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no such user"), std::string::npos) << r.err;
  r = run({jexec(), "-u", "nosuchhostuser", name, "true"});
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.err.find("no such user"), std::string::npos) << r.err;
}

TEST_F(Jexec, CleanEnvironmentAndDirectory) {
  ::setenv("JAILS_CLI_LEAK", "leaked", 1);
  auto r = run({jexec(), "-l", "-U", "www", name, "sh", "-c", "echo $HOME:$USER:$SHELL:$(pwd):${JAILS_CLI_LEAK:-clean}"});
  auto kept = run({jexec(), name, "sh", "-c", "echo $(pwd):${JAILS_CLI_LEAK:-clean}"});
  ::unsetenv("JAILS_CLI_LEAK");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "/home/www:www:/bin/sh:/home/www:clean\n");
  EXPECT_EQ(kept.out, "/:leaked\n");
  r = run({jexec(), "-d", "/tmp", name, "pwd"});
  EXPECT_EQ(r.out, "/tmp\n") << r.err;
  r = run({jexec(), "-l", "-U", "www", "-d", "/etc", name, "pwd"});
  EXPECT_EQ(r.out, "/etc\n") << r.err;
  r = run({jexec(), "-d", "/no/such/dir", name, "true"});
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("/no/such/dir"), std::string::npos) << r.err;
}

TEST_F(Jexec, NoCommandRunsTheShell) {
  auto r = run({jexec(), name}, "echo from-$(hostname)\nexit 3\n");
  EXPECT_EQ(r.status, 3) << r.err;
  EXPECT_EQ(r.out, "from-" + name + ".test\n");
}

// A non-persistent jail ends with its last process; jls then no longer lists it (and
// cleans up its record on the way).
TEST(JlsEnded, NonPersistentJailIsGoneAfterItsCommand) {
  JAILS_REQUIRE_ROOT();
  std::string n = unique("ended");
  auto r = run({jail(), "-q", "-c", "name=" + n, "path=" + shared_root().path(), "command=/bin/true"});
  ASSERT_EQ(r.status, 0) << r.err;
  bool gone = false;
  for (int i = 0; i < 200 && !gone; ++i) {
    gone = run({jls(), "-c", "-j", n}).status == 1;
    if (!gone) ::usleep(10000);
  }
  EXPECT_TRUE(gone);
  EXPECT_EQ(run({jls()}).out.find(n), std::string::npos);
  EXPECT_EQ(::access((jails::jail::state_dir() + "/" + n + ".json").c_str(), F_OK), -1) << "record reaped by jls";
  if (!gone) run({jail(), "-q", "-r", n});
}

TEST(JexecMissing, UnknownJail) {
  JAILS_REQUIRE_ROOT();
  std::string n = unique("absent");
  auto r = run({jexec(), n, "true"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "jexec: jail \"" + n + "\" not found\n");
  r = run({jexec(), "987654", "true"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "jexec: jail 987654 not found\n");
  r = run({jexec()});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.err, "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]\n");
}

}  // namespace
