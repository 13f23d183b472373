// The confinement of real jails: jail(8) on a busybox-static root, with jail-probe as the
// jail's command, checked against every default denial of issue 2 and every allow.* that
// re-opens one (the same expectations as the sandbox tests of apply_test.cc).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "harness.h"
#include "sandbox.h"

namespace jails::test {
namespace {

using Expect = std::vector<std::pair<std::string, std::string>>;

class JailConfine : public ::testing::Test {
 protected:
  void SetUp() override {
    JAILS_REQUIRE_ROOT();
    std::filesystem::copy_file(JAIL_PROBE_PATH, root.path() + "/probe");
  }
  void TearDown() override {
    // A non-persistent jail ends with its command; its record goes at the next command.
    for (const auto& n : names)
      for (int i = 0; i < 100 && std::filesystem::exists("/sys/fs/cgroup/pids/jail/" + n); ++i) {
        run({bin("jail"), "-q", "-r", n});
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
  }

  // jail -c with params, command=/probe <probe args>. stderr must be empty, or hold the
  // plan's warning when `warning` is given.
  ProbeOutput probe(const std::vector<std::string>& params, const Expect& expect, const std::string& warning = "") {
    std::string n = unique("cf");
    names.push_back(n);
    std::vector<std::string> argv = {bin("jail"), "-q", "-c", "name=" + n, "path=" + root.path(), "ip4=inherit", "ip6=inherit",
                                     "host.hostname=" + n, "mount.devfs", "mount.procfs"};
    argv.insert(argv.end(), params.begin(), params.end());
    argv.push_back("command=/probe");
    for (const auto& [arg, want] : expect) argv.push_back(arg);
    Output r = run(argv);
    if (warning.empty()) EXPECT_EQ(r.err, "");
    else EXPECT_EQ(r.err, "jail: " + n + ": " + warning + "\n");
    return parse_probe(r.out, r.status);
  }

  void check(const std::vector<std::string>& params, const Expect& expect, const std::string& warning = "") {
    ProbeOutput out = probe(params, expect, warning);
    ASSERT_EQ(out.status, 0) << out.text();
    for (const auto& [arg, want] : expect)
      EXPECT_EQ(out.get(arg.substr(0, arg.find('='))), want) << arg << "\n" << out.text();
  }

  BusyboxRoot root;
  std::vector<std::string> names;
};

TEST_F(JailConfine, DefaultJailDeniesWhatFreeBSDDenies) { check({}, default_denials(::getpid())); }

TEST_F(JailConfine, DefaultJailMayWhatFreeBSDAllows) {
  std::string port = std::to_string(600 + ::getpid() % 300);
  check({}, {{"sethostname=renamed", "ok"}, {"hostname", "renamed"}, {"bind_low_port=" + port, "ok"},
             {"ptrace_child", "ok"}, {"open_dev=null", "ok"}, {"pty", "ok"}});
  ProbeOutput out = probe({}, {{"caps", ""}, {"dev", ""}});
  EXPECT_EQ(out.get("Seccomp"), "2") << out.text();
  EXPECT_EQ(out.get("NoNewPrivs"), "0") << out.text();
  auto dev = out.all("dev");
  std::sort(dev.begin(), dev.end());
  EXPECT_EQ(dev, (std::vector<std::string>{"fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr",
                                           "stdin", "stdout", "tty", "urandom", "zero"}));
}

// jexec(8) takes the jail's confinement: the same capability set and filter.
TEST_F(JailConfine, JexecTakesTheJailsConfinement) {
  std::string n = unique("cfx");
  names.push_back(n);
  Output c = run({bin("jail"), "-q", "-c", "name=" + n, "path=" + root.path(), "ip4=inherit", "ip6=inherit", "mount.devfs", "mount.procfs",
                  "allow.raw_sockets", "persist"});
  ASSERT_EQ(c.status, 0) << c.err;
  Output inside = run({bin("jail"), "-q", "-c", "name=" + n + "x", "path=" + root.path(), "ip4=inherit", "ip6=inherit", "mount.devfs",
                       "mount.procfs", "allow.raw_sockets", "command=/probe", "caps"});
  names.push_back(n + "x");
  Output j = run({bin("jexec"), n, "/probe", "caps", "raw_socket", "mount_tmpfs", "chflags"});
  run({bin("jail"), "-q", "-r", n});
  ProbeOutput a = parse_probe(inside.out, inside.status), b = parse_probe(j.out, j.status);
  ASSERT_EQ(b.status, 0) << j.err;
  EXPECT_EQ(b.get("CapBnd"), a.get("CapBnd")) << b.text();
  EXPECT_EQ(b.get("Seccomp"), "2");
  EXPECT_EQ(b.get("raw_socket"), "ok");
  EXPECT_EQ(b.get("mount_tmpfs"), "EPERM");
  EXPECT_EQ(b.get("chflags"), "EPERM");
}

TEST_F(JailConfine, EachAllowReopensItsPiece) {
  std::string port = std::to_string(600 + ::getpid() % 300);
  struct Case {
    std::vector<std::string> params;
    Expect expect;
    std::string warning;  // what jail(8) prints on stderr
  };
  const std::string mount_open =
      "allow.mount: without a user namespace, mount(2) cannot be limited to the allowed file system types, "
      "and a fresh procfs or an unmounted mask gives root in the jail the host's /proc/sys";
  std::vector<Case> cases = {
      {{"allow.raw_sockets"}, {{"raw_socket", "ok"}, {"packet_socket", "EPERM"}}},
      {{"allow.socket_af"}, {{"vsock_socket", "ok"}}},
      {{"allow.chflags"}, {{"chflags", "ok"}}},
      {{"allow.settime"}, {{"settime", "ok"}, {"adjtime", "ok"}}},
      {{"allow.adjtime"}, {{"adjtime", "ok"}, {"settime", "EPERM"}}},
      {{"allow.mlock"}, {{"mlock", "ok"}}},
      {{"allow.read_msgbuf"}, {{"syslog", "ok"}, {"kind=/proc/kmsg", "file"}}},
      {{"sysvmsg=new", "sysvsem=new", "sysvshm=new"}, {{"msgget", "ok"}, {"semget", "ok"}, {"shmget", "ok"}}},
      {{"allow.mount", "allow.mount.tmpfs", "enforce_statfs=1"}, {{"mount_tmpfs", "ok"}}, mount_open},
      {{"allow.mount", "allow.mount.tmpfs"}, {{"mount_tmpfs", "EPERM"}},
       "allow.mount: no effect while enforce_statfs is 2 (as on FreeBSD)"},
      {{"allow.noset_hostname"}, {{"sethostname=x", "EPERM"}}},
      {{"allow.noreserved_ports"}, {{"bind_low_port=" + port, "EACCES"}}},
      {{"allow.nounprivileged_proc_debug"}, {{"ptrace_child", "EPERM"}}},
      {{"allow.mount.fusefs"}, {{"kind=/dev/fuse", "char 10:229"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.params[0]);
    check(c.params, c.expect, c.warning);
  }
}

}  // namespace
}  // namespace jails::test
