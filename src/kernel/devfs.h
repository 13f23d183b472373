// The jail's /dev: FreeBSD's devfs with its default jail ruleset (devfsrules_jail), made
// of Linux pieces, and the device cgroup that is the real boundary.
//
// make_devfs() runs in the child, in the jail's mount namespace, before pivot_root, while
// still privileged: a small tmpfs with the device nodes a jail may use (mknod now, since
// CAP_MKNOD is dropped later), its own devpts instance, a /dev/shm tmpfs and the fd links.
// A node alone is not permission: the device cgroup (v1 "devices" controller) limits
// open(2) to the same list, so a node made some other way still cannot be opened.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace jails::kernel {

struct DeviceNode {
  const char* name;
  unsigned major, minor;
};

// FreeBSD: devfsrules_jail unhides null, zero, crypto, random, urandom, ptyp*, ptmx, pts,
// fd, stdin/out/err, tty. Linux's equivalents, with full (no FreeBSD twin, widely used).
inline constexpr DeviceNode kDevfsNodes[] = {{"null", 1, 3},   {"zero", 1, 5},    {"full", 1, 7},
                                             {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
inline constexpr DeviceNode kFuseNode = {"fuse", 10, 229};
inline constexpr DeviceNode kKvmNode = {"kvm", 10, 232};

struct DevfsPlan {
  bool fdescfs = false;  // mount.fdescfs: /dev/fd -> /proc/self/fd (else /dev/fd/{0,1,2} only)
  bool fuse = false;     // allow.mount.fusefs: /dev/fuse (c 10:229)
  bool kvm = false;      // allow.vmm: /dev/kvm (c 10:232)
  unsigned pts_gid = 5;  // group of new ptys: "tty" on Debian, FreeBSD and busybox roots
};

// dev_path: the jail's /dev as a host path, already resolved inside the jail root.
// Returns 0 or an errno and names the failed step (a string literal). No allocation.
int make_devfs(const char* dev_path, const DevfsPlan& plan, const char** failed_step) noexcept;

// The device cgroup rules, in devices.allow syntax: "c 1:3 rwm", ...
std::vector<std::string> device_cgroup_rules(const DevfsPlan& plan);

// From the parent, on rel = jail_cgroup(name) in every hierarchy that can hold device
// rules: the v1 "devices" controller ("a" to devices.deny, then each rule to
// devices.allow) and the cgroup2 mount (a BPF_CGROUP_DEVICE program allowing the same
// list). Fails if neither exists or one of them fails. (device_cgroup.cc)
Result<void> apply_device_cgroup(const std::string& rel, const DevfsPlan& plan);
// The two halves, for tests and hosts with only one of them. dir: the cgroup directory.
Result<void> apply_device_cgroup_v1(const std::string& dir, const DevfsPlan& plan);
Result<void> attach_device_program(const std::string& dir, const DevfsPlan& plan);

}  // namespace jails::kernel
