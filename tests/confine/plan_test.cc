// The plan as data: which capabilities and /dev pieces each allow.* gives, and which
// switches are refused.
#include <gtest/gtest.h>
#include <linux/capability.h>

#include "kernel/caps.h"
#include "kernel/confine.h"

namespace jails::kernel {
namespace {

constexpr uint64_t kBase = cap_bit(CAP_CHOWN) | cap_bit(CAP_DAC_OVERRIDE) | cap_bit(CAP_DAC_READ_SEARCH) |
                           cap_bit(CAP_FOWNER) | cap_bit(CAP_FSETID) | cap_bit(CAP_KILL) | cap_bit(CAP_SETGID) |
                           cap_bit(CAP_SETUID) | cap_bit(CAP_SETPCAP) | cap_bit(CAP_SYS_CHROOT) |
                           cap_bit(CAP_AUDIT_WRITE) | cap_bit(CAP_SETFCAP);

ConfineOptions with(std::initializer_list<std::pair<const std::string, bool>> allow) {
  ConfineOptions o;
  o.allow = allow;
  return o;
}

TEST(ConfinePlan, DefaultJailKeepsFreeBSDRootsCapabilitiesAndSysAdminForHostname) {
  uint64_t caps = jail_capabilities(ConfineOptions{});
  EXPECT_EQ(cap_names(caps), cap_names(kBase | cap_bit(CAP_SYS_ADMIN) | cap_bit(CAP_NET_BIND_SERVICE)));
  for (int dropped : {CAP_SYS_MODULE, CAP_SYS_RAWIO, CAP_SYS_PTRACE, CAP_SYS_BOOT, CAP_SYS_TIME, CAP_MKNOD,
                      CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_RESOURCE, CAP_SYSLOG, CAP_BPF, CAP_PERFMON,
                      CAP_IPC_LOCK, CAP_LINUX_IMMUTABLE, CAP_AUDIT_CONTROL, CAP_MAC_ADMIN, CAP_SYS_NICE})
    EXPECT_FALSE(caps & cap_bit(dropped)) << cap_name(dropped);
}

struct SwitchCase {
  const char* allow;
  int cap;  // the capability it adds to the default set
};

void PrintTo(const SwitchCase& c, std::ostream* os) { *os << c.allow; }

class EachSwitch : public testing::TestWithParam<SwitchCase> {};

TEST_P(EachSwitch, AddsExactlyItsCapability) {
  const auto& c = GetParam();
  uint64_t base = jail_capabilities(ConfineOptions{});
  uint64_t caps = jail_capabilities(with({{c.allow, true}}));
  EXPECT_EQ(cap_names(caps & ~base), cap_name(c.cap));
  EXPECT_EQ(caps & base, base);
}

INSTANTIATE_TEST_SUITE_P(ConfinePlan, EachSwitch,
                         testing::Values(SwitchCase{"allow.raw_sockets", CAP_NET_RAW},
                                         SwitchCase{"allow.chflags", CAP_LINUX_IMMUTABLE},
                                         SwitchCase{"allow.settime", CAP_SYS_TIME},
                                         SwitchCase{"allow.adjtime", CAP_SYS_TIME},
                                         SwitchCase{"allow.mlock", CAP_IPC_LOCK},
                                         SwitchCase{"allow.read_msgbuf", CAP_SYSLOG},
                                         SwitchCase{"allow.setaudit", CAP_AUDIT_CONTROL}),
                         [](const auto& info) {
                           std::string n = info.param.allow + 6;
                           return n;
                         });

TEST(ConfinePlan, SwitchingOffDefaultsRemovesTheirCapabilities) {
  EXPECT_FALSE(jail_capabilities(with({{"allow.set_hostname", false}})) & cap_bit(CAP_SYS_ADMIN));
  EXPECT_FALSE(jail_capabilities(with({{"allow.reserved_ports", false}})) & cap_bit(CAP_NET_BIND_SERVICE));
  EXPECT_EQ(jail_capabilities(with({{"allow.suser", false}, {"allow.raw_sockets", true}})), 0u);
}

TEST(ConfinePlan, HostnameOnlyInTheJailsOwnUtsNamespace) {
  ConfineOptions o;
  o.uts_namespace = false;
  EXPECT_FALSE(jail_capabilities(o) & cap_bit(CAP_SYS_ADMIN));
  EXPECT_FALSE(jail_seccomp_policy(o).set_hostname);
  o.uts_namespace = true;
  EXPECT_TRUE(jail_seccomp_policy(o).set_hostname);
}

TEST(ConfinePlan, MountNeedsATypeAndEnforceStatfsBelowTwo) {
  auto o = with({{"allow.set_hostname", false}, {"allow.mount", true}, {"allow.mount.tmpfs", true}});
  EXPECT_FALSE(jail_seccomp_policy(o).mount);  // enforce_statfs = 2
  EXPECT_FALSE(jail_capabilities(o) & cap_bit(CAP_SYS_ADMIN));
  o.enforce_statfs = 1;
  EXPECT_TRUE(jail_seccomp_policy(o).mount);
  EXPECT_TRUE(jail_capabilities(o) & cap_bit(CAP_SYS_ADMIN));
  o.allow["allow.mount.tmpfs"] = false;
  EXPECT_FALSE(jail_seccomp_policy(o).mount);
}

TEST(ConfinePlan, MountWarnsWhenIneffectiveAndWhenEffective) {
  auto o = with({{"allow.mount", true}, {"allow.mount.procfs", true}});
  auto plan = plan_confinement(o);
  ASSERT_TRUE(plan) << plan.error().what();
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("enforce_statfs"), std::string::npos);
  o.enforce_statfs = 1;
  plan = plan_confinement(o);
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->warnings.size(), 1u);
  EXPECT_NE(plan->warnings[0].find("/proc/sys"), std::string::npos);
}

TEST(ConfinePlan, SysvDisableAndAllowSysvipc) {
  ConfineOptions o;
  auto p = jail_seccomp_policy(o);
  EXPECT_FALSE(p.sysvmsg || p.sysvsem || p.sysvshm);
  o.sysvshm_disabled = false;
  p = jail_seccomp_policy(o);
  EXPECT_TRUE(p.sysvshm);
  EXPECT_FALSE(p.sysvmsg);
  p = jail_seccomp_policy(with({{"allow.sysvipc", true}}));
  EXPECT_TRUE(p.sysvmsg && p.sysvsem && p.sysvshm);
}

TEST(ConfinePlan, RefusesSwitchesLinuxCannotGrantNarrowly) {
  for (const char* name : {"allow.extattr", "allow.quotas", "allow.routing", "allow.nfsd", "allow.mount.zfs",
                           "allow.vmm_ppt"}) {
    auto plan = plan_confinement(with({{name, true}}));
    ASSERT_FALSE(plan) << name;
    EXPECT_EQ(plan.error().what().rfind(std::string(name) + ": not supported on Linux: ", 0), 0u)
        << plan.error().what();
    EXPECT_TRUE(plan_confinement(with({{name, false}}))) << name;
  }
}

TEST(ConfinePlan, DevfsFollowsVmmFusefsAndFdescfs) {
  auto o = with({{"allow.vmm", true}, {"allow.mount.fusefs", true}});
  o.fdescfs = true;
  auto plan = plan_confinement(o);
  ASSERT_TRUE(plan);
  EXPECT_TRUE(plan->devfs.kvm && plan->devfs.fuse && plan->devfs.fdescfs);
  auto rules = device_cgroup_rules(plan->devfs);
  EXPECT_EQ(rules, (std::vector<std::string>{"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
                                             "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm", "c 10:229 rwm",
                                             "c 10:232 rwm"}));
  auto def = plan_confinement(ConfineOptions{});
  ASSERT_TRUE(def);
  EXPECT_FALSE(def->devfs.kvm || def->devfs.fuse || def->devfs.fdescfs);
  EXPECT_EQ(device_cgroup_rules(def->devfs).size(), 8u);
}

TEST(Caps, NamesRoundTrip) {
  EXPECT_EQ(cap_from_name("CAP_SYS_ADMIN"), CAP_SYS_ADMIN);
  EXPECT_EQ(cap_from_name("net_raw"), CAP_NET_RAW);
  EXPECT_EQ(cap_from_name("cap_checkpoint_restore"), CAP_CHECKPOINT_RESTORE);
  EXPECT_FALSE(cap_from_name("CAP_NOPE"));
  EXPECT_EQ(cap_names(cap_bit(CAP_CHOWN) | cap_bit(CAP_KILL)), "CAP_CHOWN,CAP_KILL");
  EXPECT_EQ(cap_name(63), "CAP_63");
  EXPECT_GE(cap_last_cap(), CAP_CHECKPOINT_RESTORE);
}

}  // namespace
}  // namespace jails::kernel
