// The state record of a running jail: /run/jail/<name>.json, plus a lock file.
//
// This is how a daemonless tool knows its jails. `jail -c` writes the record (state
// "creating") before its first step and marks it "active" at the end; `jls`, `jexec`,
// `rctl` and `jail -r` read it. The jail's pid 1 is named by pid *and* start time
// (field 22 of /proc/PID/stat), so a reused pid is never mistaken for a live jail.
// A record whose pid 1 is gone is stale: the next command that touches it cleans up.
//
// Layout (JSON, one object):
//   { "jid": 3, "name": "web", "path": "/jails/web", "state": "active",
//     "init_pid": 4242, "init_start": 1234567, "cgroup": "jail/web",
//     "hostname": "web.example.org", "conf": "/etc/jail.conf",
//     "params": [ ["host.hostname", ["web.example.org"]], ["persist", ["true"]], ... ],
//     "undo": [ ...steps jail -r must undo, written by jail/ ... ] }
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "base/unique_fd.h"

namespace jails::jail {

struct Record {
  int jid = 0;
  std::string name;
  std::string path;
  std::string state;  // "creating", "active", "dying"
  pid_t init_pid = 0;
  unsigned long long init_start = 0;
  std::string cgroup;  // relative to each cgroup hierarchy root: "jail/<name>"
  std::string conf;    // the jail.conf it came from, "" for the command line
  std::vector<std::pair<std::string, std::vector<std::string>>> params;
  nlohmann::json extra = nlohmann::json::object();  // owned by the layer that wrote it (undo, net, rctl)

  // First value of a parameter, or "" if unset.
  std::string param(const std::string& name) const;
  const std::vector<std::string>* param_list(const std::string& name) const;
};

// The directory of records: $JAIL_STATE_DIR or /run/jail.
std::string state_dir();

// True while the pid 1 named by the record is alive (same pid and same start time).
bool init_alive(const Record& r);

Result<std::vector<Record>> list_records();  // sorted by jid; includes stale ones
// By name, or by jid when `key` is all digits. nullopt if there is none.
Result<std::optional<Record>> find_record(const std::string& key);
Result<void> write_record(const Record& r);  // atomic: temp file + rename
Result<void> remove_record(const std::string& name);

// An exclusive lock on one jail name (flock on <state_dir>/<name>.lock), held while
// the object lives. Two `jail -c web` at once: the second waits, then sees the record.
class JailLock {
 public:
  static Result<JailLock> acquire(const std::string& name);
  // As acquire, but nullopt at once if another command holds it.
  static Result<std::optional<JailLock>> try_acquire(const std::string& name);
  // Unlinks the lock file while still holding it (when the jail is gone), so nothing
  // is left in the state directory; acquire() detects and retries a removed file.
  void remove_file();

  JailLock(UniqueFd fd, std::string path) : fd_(std::move(fd)), path_(std::move(path)) {}

 private:
  UniqueFd fd_;
  std::string path_;
};

// Start time of a process (clock ticks since boot), 0 if it does not exist.
unsigned long long process_start_time(pid_t pid);

Result<nlohmann::json> to_json(const Record& r);
Result<Record> from_json(const nlohmann::json& j);

}  // namespace jails::jail
