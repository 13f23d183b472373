// A jail made by hand for the tests of this layer: until jail(8) drives the confinement,
// these tests build the child's environment themselves (new mount, pid, UTS, IPC and
// cgroup namespaces, a root with proc, read-only /proc/sys and sysfs, make_devfs,
// pivot_root), apply a ConfinePlan and run jail-probe inside.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "kernel/confine.h"

namespace jails::test {

struct ProbeOutput {
  std::vector<std::pair<std::string, std::string>> lines;  // in order
  int status = -1;                                         // wait status of the jail
  std::string get(const std::string& key) const;          // first value, or "<missing>"
  std::vector<std::string> all(const std::string& key) const;
  std::string text() const;                                // for failure messages
};

struct SandboxOptions {
  const kernel::ConfinePlan* plan = nullptr;  // null: no confinement (the baseline)
  kernel::DevfsPlan devfs;                    // used when plan is null
  std::string device_cgroup;                  // "" or a v1 devices cgroup to run in
  bool extra_tun_node = false;                // mknod dev/tun (c 10:200) before confining
  int setuid_probe_as = -1;                   // >= 0: /probe is setuid root, run by this uid
};

// Parses jail-probe's key=value lines.
ProbeOutput parse_probe(const std::string& text, int status);

// Every default denial of issue 2 as probe arguments and the answer a default jail gives.
// host_pid: a process outside the jail (kill/ptrace must not find it).
std::vector<std::pair<std::string, std::string>> default_denials(pid_t host_pid);

// Runs jail-probe with args in a fresh sandbox; the root is removed afterwards.
ProbeOutput run_probe(const std::vector<std::string>& args, const SandboxOptions& opts);

}  // namespace jails::test
