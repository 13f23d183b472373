// The plan applied for real: jail-probe runs as pid 1 of a hand-made sandbox (new mount,
// pid, UTS, IPC, cgroup namespaces, pivot_root) under apply_confinement(), and reports
// what it may do. The unconfined baseline shows each denial comes from the confinement.
#include <gtest/gtest.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "kernel/caps.h"
#include "kernel/cgroup.h"
#include "kernel/confine.h"
#include "harness.h"
#include "sandbox.h"

namespace jails::test {
namespace {

using Expect = std::vector<std::pair<std::string, std::string>>;  // run in this order

#define REQUIRE_ROOT() JAILS_REQUIRE_ROOT()

kernel::ConfinePlan plan_for(kernel::ConfineOptions o) {
  auto p = kernel::plan_confinement(o);
  EXPECT_TRUE(p) << p.error().what();
  return p ? std::move(*p) : kernel::ConfinePlan{};
}

kernel::ConfineOptions allow(std::initializer_list<std::pair<const std::string, bool>> a, int statfs = 2) {
  kernel::ConfineOptions o;
  o.allow = a;
  o.enforce_statfs = statfs;
  return o;
}

std::vector<std::string> keys_of(const Expect& e) {
  std::vector<std::string> args;
  for (const auto& [k, v] : e) args.push_back(k);
  return args;
}

// Runs the probe with each key of `expect` as an argument ("sethostname=x" style keys
// are passed whole; the output key is the part before '=').
void check(const SandboxOptions& opts, const Expect& expect) {
  ProbeOutput out = run_probe(keys_of(expect), opts);
  ASSERT_EQ(out.status, 0) << out.text();
  for (const auto& [arg, want] : expect) {
    std::string key = arg.substr(0, arg.find('='));
    EXPECT_EQ(out.get(key), want) << arg << "\n" << out.text();
  }
}


TEST(ConfineApply, DefaultJailDeniesWhatFreeBSDDenies) {
  REQUIRE_ROOT();
  auto plan = plan_for({});
  check({.plan = &plan}, default_denials(::getpid()));
}

TEST(ConfineApply, DefaultJailStillDoesWhatFreeBSDAllows) {
  REQUIRE_ROOT();
  auto plan = plan_for({});
  check({.plan = &plan}, {{"sethostname=inside", "ok"}, {"hostname", "inside"}, {"bind_low_port=" + std::to_string(600 + ::getpid() % 300), "ok"},
                          {"unix_socket", "ok"}, {"ptrace_child", "ok"}, {"open_dev=null", "ok"},
                          {"open_dev=urandom", "ok"}, {"pty", "ok"}, {"pid", "1"}});
}

TEST(ConfineApply, CapabilitySetsAndFilterAreInPlace) {
  REQUIRE_ROOT();
  auto plan = plan_for({});
  ProbeOutput out = run_probe({"caps"}, {.plan = &plan});
  ASSERT_EQ(out.status, 0) << out.text();
  EXPECT_EQ(std::stoull(out.get("CapBnd"), nullptr, 16), plan.keep_caps) << out.text();
  EXPECT_EQ(std::stoull(out.get("CapEff"), nullptr, 16) & ~plan.keep_caps, 0u) << out.text();
  EXPECT_TRUE(std::stoull(out.get("CapEff"), nullptr, 16) & kernel::cap_bit(21)) << "CAP_SYS_ADMIN kept";
  EXPECT_EQ(out.get("CapInh"), "0000000000000000");
  EXPECT_EQ(out.get("CapAmb"), "0000000000000000");
  EXPECT_EQ(out.get("Seccomp"), "2");
  EXPECT_EQ(out.get("NoNewPrivs"), "0") << "setuid programs must keep working";
}

// FreeBSD: su works in a jail. Here that needs the filter without NO_NEW_PRIVS and the
// bounding set as the ceiling: a setuid-root program run by nobody gets the jail's set.
TEST(ConfineApply, SetuidProgramsGetTheJailsCapabilities) {
  REQUIRE_ROOT();
  auto plan = plan_for({});
  ProbeOutput out = run_probe({"ids", "caps", "sethostname=su"}, {.plan = &plan, .setuid_probe_as = 65534});
  ASSERT_EQ(out.status, 0) << out.text();
  EXPECT_EQ(out.get("uid"), "65534");
  EXPECT_EQ(out.get("euid"), "0");
  EXPECT_EQ(std::stoull(out.get("CapBnd"), nullptr, 16), plan.keep_caps);
  EXPECT_EQ(std::stoull(out.get("CapEff"), nullptr, 16), plan.keep_caps);
  EXPECT_EQ(out.get("sethostname"), "ok");
}

// Without the confinement the same probe in the same sandbox may do each of these: the
// denials above are the confinement's, not the sandbox's.
TEST(ConfineApply, UnconfinedBaselineCanDoIt) {
  REQUIRE_ROOT();
  check({}, {{"mount_tmpfs", "ok"}, {"raw_socket", "ok"}, {"settime", "ok"}, {"mknod", "ok"},
             {"keyctl", "ok"}, {"reboot", "EINVAL"}, {"msgget", "ok"},
             {"chflags", "ok"}, {"mlock", "ok"}, {"syslog", "ok"}, {"tiocsti", "ok"},
             {"unshare_net", "ok"}, {"clone3", "EINVAL"}, {"vsock_socket", "ok"}});
}

struct Reopen {
  const char* name;
  kernel::ConfineOptions options;
  Expect expect;
};

TEST(ConfineApply, EachAllowReopensItsPiece) {
  REQUIRE_ROOT();
  kernel::ConfineOptions sysv_new;
  sysv_new.sysvmsg_disabled = sysv_new.sysvsem_disabled = sysv_new.sysvshm_disabled = false;
  std::vector<Reopen> cases = {
      {"raw_sockets", allow({{"allow.raw_sockets", true}}), {{"raw_socket", "ok"}, {"packet_socket", "EPERM"}}},
      {"socket_af", allow({{"allow.socket_af", true}}), {{"vsock_socket", "ok"}, {"packet_socket", "EPERM"}}},
      {"chflags", allow({{"allow.chflags", true}}), {{"chflags", "ok"}, {"mlock", "EPERM"}}},
      {"settime", allow({{"allow.settime", true}}), {{"settime", "ok"}, {"adjtime", "ok"}}},
      {"adjtime", allow({{"allow.adjtime", true}}), {{"adjtime", "ok"}, {"settime", "EPERM"}}},
      {"mlock", allow({{"allow.mlock", true}}), {{"mlock", "ok"}}},
      {"read_msgbuf", allow({{"allow.read_msgbuf", true}}), {{"syslog", "ok"}}},
      {"sysvipc", allow({{"allow.sysvipc", true}}), {{"msgget", "ok"}, {"semget", "ok"}, {"shmget", "ok"}}},
      {"sysv new", sysv_new, {{"msgget", "ok"}, {"semget", "ok"}, {"shmget", "ok"}}},
      {"mount", allow({{"allow.mount", true}, {"allow.mount.tmpfs", true}}, 1), {{"mount_tmpfs", "ok"}}},
      {"mount at enforce_statfs 2", allow({{"allow.mount", true}, {"allow.mount.tmpfs", true}}),
       {{"mount_tmpfs", "EPERM"}}},
      {"no set_hostname", allow({{"allow.set_hostname", false}}), {{"sethostname=x", "EPERM"}, {"mount_tmpfs", "EPERM"}}},
      {"no reserved_ports", allow({{"allow.reserved_ports", false}}), {{"bind_low_port=" + std::to_string(600 + ::getpid() % 300), "EACCES"}}},
      {"no unprivileged_proc_debug", allow({{"allow.unprivileged_proc_debug", false}}), {{"ptrace_child", "EPERM"}}},
      {"no suser", allow({{"allow.suser", false}}), {{"sethostname=x", "EPERM"}, {"mknod", "EPERM"}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    auto plan = plan_for(c.options);
    check({.plan = &plan}, c.expect);
  }
}

TEST(ConfineProc, HostKernelLogAndMemoryMapsAreMasked) {
  REQUIRE_ROOT();
  // Baseline: root reads the host's kernel log through /proc/kmsg.
  check({}, {{"kind=/proc/kmsg", "file"}, {"open_read=/proc/kmsg", "ok"}});
  auto plan = plan_for({});
  check({.plan = &plan}, {{"kind=/proc/kmsg", "char 1:3"}, {"kind=/proc/timer_list", "char 1:3"},
                          {"kind=/proc/kpageflags", "char 1:3"}});
  auto msgbuf = plan_for(allow({{"allow.read_msgbuf", true}}));
  check({.plan = &msgbuf}, {{"kind=/proc/kmsg", "file"}, {"open_read=/proc/kmsg", "ok"}});
}

TEST(ConfineDevfs, MinimalDevWithItsOwnDevpts) {
  REQUIRE_ROOT();
  auto plan = plan_for({});
  ProbeOutput out = run_probe({"dev", "mounts", "pty", "open_dev=full", "open_dev=ptmx"}, {.plan = &plan});
  ASSERT_EQ(out.status, 0) << out.text();
  auto dev = out.all("dev");
  std::sort(dev.begin(), dev.end());
  EXPECT_EQ(dev, (std::vector<std::string>{"fd", "full", "null", "ptmx", "pts", "random", "shm", "stderr",
                                           "stdin", "stdout", "tty", "urandom", "zero"}));
  auto mounts = out.all("mount");
  for (const char* m : {"/dev", "/dev/pts", "/dev/shm", "/proc", "/sys"})
    EXPECT_NE(std::find(mounts.begin(), mounts.end(), m), mounts.end()) << m << "\n" << out.text();
  EXPECT_EQ(out.get("pty"), "ok");
  EXPECT_EQ(out.get("open_dev"), "ok");
}

// A failure names its step, for the parent's message ("mount.devfs(mount(tmpfs)): ...").
TEST(ConfineDevfs, FailureNamesTheStep) {
  REQUIRE_ROOT();
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  pid_t pid = ::fork();
  if (pid == 0) {
    const char* step = "";
    int err = ::unshare(CLONE_NEWNS) == 0 ? kernel::make_devfs("/nonexistent-confine-dev", kernel::DevfsPlan{}, &step) : -1;
    char buf[128];
    int n = std::snprintf(buf, sizeof buf, "%d %s", err, step);
    (void)!::write(fds[1], buf, n);
    ::_exit(0);
  }
  ::close(fds[1]);
  char buf[128] = {};
  (void)!::read(fds[0], buf, sizeof buf - 1);
  ::close(fds[0]);
  ::waitpid(pid, nullptr, 0);
  EXPECT_EQ(std::string(buf), std::to_string(ENOENT) + " mount(tmpfs)");
}

TEST(ConfineDevfs, VmmAndFusefsAddTheirNodes) {
  REQUIRE_ROOT();
  auto plan = plan_for(allow({{"allow.vmm", true}, {"allow.mount.fusefs", true}}));
  ProbeOutput out = run_probe({"dev"}, {.plan = &plan});
  auto dev = out.all("dev");
  EXPECT_NE(std::find(dev.begin(), dev.end(), "kvm"), dev.end()) << out.text();
  EXPECT_NE(std::find(dev.begin(), dev.end(), "fuse"), dev.end()) << out.text();
}

// A v1 devices cgroup of our own, removed at the end.
class DeviceCgroup {
 public:
  explicit DeviceCgroup(bool v2) {
    for (const auto& h : kernel::cgroup_layout().hierarchies)
      for (const auto& c : h.controllers)
        if (!h.v2 && !v2 && c == "devices") root_ = h.root;
    if (v2 && kernel::cgroup_layout().v2()) root_ = kernel::cgroup_layout().v2()->root;
    if (root_.empty()) return;
    rel_ = "jail/t" + std::to_string(::getpid()) + (v2 ? "_confine_dev2" : "_confine_dev");
    std::filesystem::create_directories(root_ + "/" + rel_);
  }
  ~DeviceCgroup() {
    if (!rel_.empty()) ::rmdir((root_ + "/" + rel_).c_str());
  }
  bool ok() const { return !root_.empty(); }
  std::string rel() const { return rel_; }
  std::string path() const { return root_ + "/" + rel_; }

 private:
  std::string root_, rel_;
};

// The same check for the v1 devices controller and for the cgroup2 BPF device program.
void check_device_cgroup(bool v2) {
  DeviceCgroup cg(v2);
  if (!cg.ok()) {
    if (in_ci()) FAIL() << "CI=true: no " << (v2 ? "cgroup2 mount" : "v1 devices hierarchy");
    GTEST_SKIP() << "no " << (v2 ? "cgroup2 mount" : "v1 devices hierarchy");
  }
  auto plan = plan_for({});
  // Without the rules a node made before confinement opens; with them it does not.
  ProbeOutput open = run_probe({"open_dev=tun"}, {.plan = &plan, .device_cgroup = cg.path(), .extra_tun_node = true});
  EXPECT_EQ(open.get("open_dev"), "ok") << open.text();
  auto applied = v2 ? kernel::attach_device_program(cg.path(), plan.devfs)
                    : kernel::apply_device_cgroup_v1(cg.path(), plan.devfs);
  ASSERT_TRUE(applied) << applied.error().what();
  ProbeOutput out = run_probe({"open_dev=tun", "open_dev=null", "pty"},
                              {.plan = &plan, .device_cgroup = cg.path(), .extra_tun_node = true});
  EXPECT_EQ(out.all("open_dev"), (std::vector<std::string>{"EPERM", "ok"})) << out.text();
  EXPECT_EQ(out.get("pty"), "ok") << out.text();
}

TEST(ConfineDevfs, DeviceCgroupV1RefusesNodesOutsideTheList) {
  REQUIRE_ROOT();
  check_device_cgroup(false);
}

TEST(ConfineDevfs, DeviceProgramOnCgroup2RefusesNodesOutsideTheList) {
  REQUIRE_ROOT();
  check_device_cgroup(true);
}

}  // namespace
}  // namespace jails::test
