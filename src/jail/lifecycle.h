// jail(8)'s verbs on one jail: create, remove, modify, and cleaning up after a jail that
// ended by itself or a jail(8) that was killed. The steps are FreeBSD's, in FreeBSD's
// order (spec section 2), as two constant tables in create.cc and remove.cc.
#pragma once

#include <cstdio>
#include <string>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "jail/record.h"

namespace jails::jail {

struct Options {
  bool quiet = false;       // -q: no "created"/"removed" notes
  bool verbose = false;     // -v: every step
  bool print_jid = false;   // -i: the jid alone
  std::FILE* jid_file = nullptr;  // -J
  std::string conf_file;    // where the jail came from ("" = command line)
};

// Creates and starts a jail. On failure, the steps done are undone in reverse and the
// jail is as if never created. Messages already carry the jail's name.
Result<void> create_jail(const conf::JailSpec& spec, const Options& opt);

// Stops and removes a running jail. `spec` is the jail's parameters (jail.conf's if it
// is there, else the record's). force (-R): no commands, no unmounting.
Result<void> remove_jail(const Record& r, const conf::JailSpec& spec, const Options& opt, bool force = false);

// Changes what can change on a running jail (host.hostname, host.domainname, persist).
Result<void> modify_jail(const Record& r, const conf::JailSpec& old_spec, const conf::JailSpec& spec,
                         const Options& opt);

// The record's jail parameters.
Result<conf::JailSpec> record_spec(const Record& r);

// A record whose pid 1 is gone (the jail ended, or jail -c was killed): undo what it
// made on the host and remove it. Does nothing and returns false if the jail is alive or
// another command holds its lock.
Result<bool> reap_if_stale(const Record& r);

// Live records after reaping the stale ones: what jls lists.
Result<std::vector<Record>> live_records();

// Finds a live jail by name or jid (reaping a stale record on the way).
Result<std::optional<Record>> find_live(const std::string& key);

}  // namespace jails::jail
