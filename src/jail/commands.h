// Running exec.* command lists and `command`, as jail(8) does (spec 2.3).
//
// Each list element is one command, run in order, each must succeed. An empty string is
// skipped. A string with a shell metacharacter runs under /bin/sh -c, otherwise it is
// split on blanks and executed directly; a lone trailing "&" runs it detached, unwaited.
// Host commands run as exec.system_user; in-jail ones (exec.start, command, exec.stop)
// as exec.jail_user through attach. All get JID, JNAME and JPATH in their environment.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "jail/record.h"

namespace jails::jail {

struct CommandContext {
  const conf::JailSpec& spec;
  int jid = 0;
  bool verbose = false;
};

// The argv a command string runs as, and whether it is to be backgrounded.
struct ParsedCommand {
  std::vector<std::string> argv;
  bool background = false;
};
ParsedCommand parse_command(const std::string& cmd);

// Runs every command of a host-side list (exec.prepare, exec.prestart, ...).
Result<void> run_host_commands(const CommandContext& ctx, const std::vector<std::string>& cmds);
// Runs every command of an in-jail list (exec.start, exec.stop); `command` from the
// command line is one argv (spec.command_is_argv).
Result<void> run_jail_commands(const CommandContext& ctx, const Record& r, const std::vector<std::string>& cmds,
                               bool argv_form = false);

}  // namespace jails::jail
