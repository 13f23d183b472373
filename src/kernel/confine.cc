#include "kernel/confine.h"

#include <linux/capability.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>

#include "kernel/caps.h"

namespace jails::kernel {

namespace {

// FreeBSD's defaults for the switches that are on in a default jail.
bool allowed(const ConfineOptions& o, const std::string& name) {
  auto it = o.allow.find(name);
  if (it != o.allow.end()) return it->second;
  return name == "allow.set_hostname" || name == "allow.reserved_ports" ||
         name == "allow.unprivileged_proc_debug" || name == "allow.suser";
}

// FreeBSD: what root in a default jail may do on its own files and processes.
constexpr uint64_t kBase = cap_bit(CAP_CHOWN) | cap_bit(CAP_DAC_OVERRIDE) | cap_bit(CAP_DAC_READ_SEARCH) |
                           cap_bit(CAP_FOWNER) | cap_bit(CAP_FSETID) | cap_bit(CAP_KILL) |
                           cap_bit(CAP_SETGID) | cap_bit(CAP_SETUID) | cap_bit(CAP_SETPCAP) |
                           cap_bit(CAP_SYS_CHROOT) | cap_bit(CAP_AUDIT_WRITE) | cap_bit(CAP_SETFCAP);

const char* const kMountTypes[] = {"allow.mount.tmpfs", "allow.mount.procfs", "allow.mount.linprocfs",
                                   "allow.mount.nullfs", "allow.mount.linsysfs", "allow.mount.fusefs"};

bool mount_allowed(const ConfineOptions& o) {
  if (!allowed(o, "allow.mount") || o.enforce_statfs >= 2) return false;
  for (const char* t : kMountTypes)
    if (allowed(o, t)) return true;
  return false;
}

bool hostname_allowed(const ConfineOptions& o) { return o.uts_namespace && allowed(o, "allow.set_hostname"); }

// Switches Linux cannot grant without giving far more (same reasons as conf's table).
struct Refused {
  const char* name;
  const char* why;
};
constexpr Refused kRefused[] = {
    {"allow.extattr", "trusted.* extended attributes need CAP_SYS_ADMIN on Linux"},
    {"allow.quotas", "quotactl(2) needs CAP_SYS_ADMIN on Linux, far more than quota administration"},
    {"allow.routing", "the host's routing table needs CAP_NET_ADMIN on the shared stack; use vnet"},
    {"allow.nfsd", "Linux's kernel NFS server cannot be run from inside a jail"},
    {"allow.mount.zfs", "ZFS datasets cannot be delegated to a jail here"},
    {"allow.mount.devfs", "Linux has no devfs to mount; the jail's /dev comes from mount.devfs"},
    {"allow.mount.fdescfs", "Linux has no fdescfs; /dev/fd is /proc/self/fd"},
    {"allow.vmm_ppt", "PCI passthrough devices are not delegated to jails"},
};

}  // namespace

uint64_t jail_capabilities(const ConfineOptions& o) {
  // FreeBSD: allow.suser = 0 makes root in the jail an ordinary user.
  if (!allowed(o, "allow.suser")) return 0;
  uint64_t caps = kBase;
  // Linux: sethostname(2) checks CAP_SYS_ADMIN; without a user namespace there is no
  // narrower capability. The seccomp filter takes back what else it grants.
  if (hostname_allowed(o) || mount_allowed(o)) caps |= cap_bit(CAP_SYS_ADMIN);
  if (allowed(o, "allow.reserved_ports")) caps |= cap_bit(CAP_NET_BIND_SERVICE);
  if (allowed(o, "allow.raw_sockets")) caps |= cap_bit(CAP_NET_RAW);
  if (allowed(o, "allow.chflags")) caps |= cap_bit(CAP_LINUX_IMMUTABLE);
  if (allowed(o, "allow.settime") || allowed(o, "allow.adjtime")) caps |= cap_bit(CAP_SYS_TIME);
  if (allowed(o, "allow.mlock")) caps |= cap_bit(CAP_IPC_LOCK);
  if (allowed(o, "allow.read_msgbuf")) caps |= cap_bit(CAP_SYSLOG);
  if (allowed(o, "allow.setaudit")) caps |= cap_bit(CAP_AUDIT_CONTROL);
  return caps;
}

SeccompPolicy jail_seccomp_policy(const ConfineOptions& o) {
  SeccompPolicy p;
  p.mount = mount_allowed(o);
  p.set_hostname = hostname_allowed(o);
  p.settime = allowed(o, "allow.settime");
  p.read_msgbuf = allowed(o, "allow.read_msgbuf");
  p.socket_af = allowed(o, "allow.socket_af");
  p.proc_debug = allowed(o, "allow.unprivileged_proc_debug");
  // FreeBSD: allow.sysvipc (deprecated) gives the jail all of System V IPC.
  bool sysvipc = allowed(o, "allow.sysvipc");
  p.sysvmsg = sysvipc || !o.sysvmsg_disabled;
  p.sysvsem = sysvipc || !o.sysvsem_disabled;
  p.sysvshm = sysvipc || !o.sysvshm_disabled;
  return p;
}

Result<ConfinePlan> plan_confinement(const ConfineOptions& o) {
  if (o.user_namespace) return fail("confinement: a user namespace is not supported yet");
  for (const auto& r : kRefused)
    if (allowed(o, r.name)) return fail("{}: not supported on Linux: {}", r.name, r.why);
  ConfinePlan plan;
  plan.keep_caps = jail_capabilities(o);
  plan.last_cap = cap_last_cap();
  plan.policy = jail_seccomp_policy(o);
  plan.filter = TRY_CTX(build_seccomp_filter(plan.policy), "confinement");
  plan.devfs.fdescfs = o.fdescfs;
  plan.devfs.fuse = allowed(o, "allow.mount.fusefs");
  plan.devfs.kvm = allowed(o, "allow.vmm");
  if (allowed(o, "allow.mount") && !plan.policy.mount)
    plan.warnings.push_back(o.enforce_statfs >= 2
                                ? "allow.mount: no effect while enforce_statfs is 2 (as on FreeBSD)"
                                : "allow.mount: no effect without an allow.mount.* file system type");
  if (plan.policy.mount)
    plan.warnings.push_back(
        "allow.mount: without a user namespace, mount(2) cannot be limited to the allowed file system "
        "types, and a fresh procfs or an unmounted mask gives root in the jail the host's /proc/sys");
  return plan;
}

int mask_proc(const char* proc_dir, const ConfinePlan& plan, const char** failed_step) noexcept {
  // Linux: /proc/kmsg opens for CAP_SYS_ADMIN (syslog's historical fallback), kpage* show
  // host physical memory, mtrr takes writes that change host memory types.
  static const char* const files[] = {"kmsg", "kcore", "kpagecount", "kpageflags", "kpagecgroup", "timer_list",
                                      "sched_debug", "mtrr", "keys", "latency_stats", "sysrq-trigger"};
  static const char* const dirs[] = {"acpi", "scsi", "driver"};
  char path[4096];
  auto at = [&](const char* sub) {
    int n = std::snprintf(path, sizeof path, "%s/%s", proc_dir, sub);
    return n > 0 && static_cast<size_t>(n) < sizeof path && ::access(path, F_OK) == 0;
  };
  for (const char* f : files) {
    if (plan.policy.read_msgbuf && f[0] == 'k' && f[1] == 'm') continue;  // allow.read_msgbuf: kmsg
    if (!at(f)) continue;
    if (::mount("/dev/null", path, nullptr, MS_BIND, nullptr) < 0) return *failed_step = "mask /proc file", errno;
  }
  for (const char* d : dirs) {
    if (!at(d)) continue;
    if (::mount("proc-mask", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0") < 0)
      return *failed_step = "mask /proc directory", errno;
  }
  return 0;
}

int apply_confinement(const ConfinePlan& plan, const char** failed_step) noexcept {
  // Filter first: installing it without NO_NEW_PRIVS needs CAP_SYS_ADMIN, which the
  // drop below may remove. The filter refuses neither prctl nor capset.
  if (int err = install_seccomp_filter(plan.filter.data(), plan.filter.size(), failed_step)) return err;
  return drop_capabilities(plan.keep_caps, plan.last_cap, failed_step);
}

}  // namespace jails::kernel
