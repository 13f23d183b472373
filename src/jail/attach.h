// Running a program inside a running jail: what jexec(8) does, and what jail(8) does for
// exec.start, command and exec.stop. FreeBSD's jail_attach(2) is, on Linux: join the
// jail's cgroups, setns(pidfd of its pid 1, every namespace at once), fork (a pid
// namespace takes effect for children), then in the child take the jail's confinement
// and the user's credentials, and exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "jail/record.h"

namespace jails::jail {

struct AttachRequest {
  std::vector<std::string> argv;  // empty: the user's login shell
  std::string user;               // "" = the invoking user, unchanged
  bool user_from_host = false;    // jexec -u / exec.system_jail_user: host passwd
  bool clean_env = false;         // jexec -l / exec.clean
  std::string dir;                // jexec -d; default "/" (home with clean_env)
  int output_fd = -1;             // exec.consolelog: stdout and stderr go there
  std::vector<std::pair<std::string, std::string>> env;  // added (JID, JNAME, JPATH)
  bool quiet_errors = false;      // no "jexec: ..." lines from the child
};

// Forks a process that joins the jail and runs the request; returns its pid. Its exit
// status is the program's (128 + signal if the program was killed).
Result<pid_t> spawn_in_jail(const Record& r, const conf::JailSpec& spec, const AttachRequest& req);

// Joins the jail in this process, runs the request in a child and waits for it: jexec.
// Returns the program's wait status.
Result<int> run_in_jail_here(const Record& r, const conf::JailSpec& spec, const AttachRequest& req);

}  // namespace jails::jail
