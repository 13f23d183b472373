// The host-side steps of the lifecycle that have an undo (addresses, mounts, vnet
// interfaces, the hooks placed on the jail's cgroup) and the run state they share.
// What a step made is written into the record (extra) at once, so a jail -c killed at
// any moment leaves a record from which the next command can undo it.
#pragma once

#include <cstdio>
#include <vector>

#include "base/error.h"
#include "base/unique_fd.h"
#include "conf/jail_spec.h"
#include "jail/lifecycle.h"
#include "jail/record.h"
#include "kernel/mount.h"
#include "net/jail_net.h"

namespace jails::jail {

struct JailRun {
  const conf::JailSpec& spec;
  const Options& opt;
  Record rec;
  UniqueFd init_pidfd;
  bool cgroup_made = false;
  std::vector<kernel::FstabEntry> mounted;  // host mounts made, in order (rec.extra["mounted"])
  size_t fstab_start = 0;  // where mount.fstab's entries begin in `mounted`
  std::optional<net::NetPlan> net;  // planned at the first network step (rec.extra["net"])
};

Result<void> save(JailRun& run);  // the record, with what has been made so far

Result<void> add_addresses(JailRun& run);
Result<void> remove_addresses(JailRun& run);
Result<void> mount_list(JailRun& run);
Result<void> unmount_list(JailRun& run);
Result<void> mount_fstab(JailRun& run);
Result<void> unmount_fstab(JailRun& run);
Result<void> vnet_interfaces(JailRun& run);
// rctl limits and socket hooks on the jail's cgroup, before anything runs in it.
Result<void> run_hooks_in_cgroup(JailRun& run);
// SIGKILL to pid 1 ends every process of the jail's pid namespace; waits for it.
Result<void> kill_init(JailRun& run);

// Undoes what a record says was made (mounts, addresses, cgroup) and removes it; the
// caller holds the jail's lock.
Result<void> undo_record(const Record& r);
Result<void> reap_if_stale_locked(const Record& r);

void write_jid_file_line(std::FILE* f, const Record& r);

}  // namespace jails::jail
