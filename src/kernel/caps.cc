#include "kernel/caps.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>

namespace jails::kernel {

namespace {

// Indexed by capability number (linux/capability.h, up to CAP_CHECKPOINT_RESTORE = 40).
constexpr const char* kNames[] = {
    "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
    "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
    "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
    "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
constexpr int kKnown = sizeof kNames / sizeof kNames[0];

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'a' && a[i] <= 'z' ? char(a[i] - 32) : a[i];
    if (x != b[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<int> cap_from_name(std::string_view name) {
  for (int i = 0; i < kKnown; ++i) {
    std::string_view full = kNames[i];
    if (iequal(name, full) || iequal(name, full.substr(4))) return i;
  }
  return std::nullopt;
}

std::string cap_name(int cap) {
  if (cap >= 0 && cap < kKnown) return kNames[cap];
  return "CAP_" + std::to_string(cap);
}

std::string cap_names(uint64_t mask) {
  std::string out;
  for (int i = 0; i < 64; ++i) {
    if (!(mask & cap_bit(i))) continue;
    if (!out.empty()) out += ',';
    out += cap_name(i);
  }
  return out;
}

int cap_last_cap() {
  std::ifstream in("/proc/sys/kernel/cap_last_cap");
  int n = -1;
  if (in >> n && n > 0 && n < 64) return n;
  return kKnown - 1;
}

int drop_capabilities(uint64_t keep, int last_cap, const char** failed_step) noexcept {
  // Bounding set first: dropping from it needs CAP_SETPCAP, which capset may remove.
  for (int cap = 0; cap <= last_cap; ++cap) {
    // Already gone (a process confined before, e.g. jexec from inside): nothing to drop,
    // and PR_CAPBSET_DROP would fail without CAP_SETPCAP.
    if ((keep & cap_bit(cap)) || ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 0) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
      *failed_step = "prctl(PR_CAPBSET_DROP)";
      return errno;
    }
  }
  // Linux: ambient capabilities survive execve of unprivileged programs; none are kept.
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL) {
    *failed_step = "prctl(PR_CAP_AMBIENT_CLEAR_ALL)";
    return errno;
  }
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) < 0) {
    *failed_step = "capget";
    return errno;
  }
  for (int i = 0; i < 2; ++i) {
    // Only what we hold can be kept: capset refuses to add to the permitted set.
    auto word = static_cast<uint32_t>(keep >> (32 * i)) & data[i].permitted;
    data[i].effective = word;
    data[i].permitted = word;
    data[i].inheritable = 0;
  }
  if (::syscall(SYS_capset, &header, data) < 0) {
    *failed_step = "capset";
    return errno;
  }
  return 0;
}

}  // namespace jails::kernel
