// jexec(8)'s arguments: jexec [-l] [-d dir] [-u user | -U user] jail [command ...]
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace jails::cli {

struct JexecArgs {
  bool clean = false;           // -l: a clean login environment
  std::string user;             // -u / -U; "" = the invoking user, unchanged
  bool user_from_host = false;  // -u: the host's passwd (-U: the jail's)
  std::string dir;              // -d: working directory inside the jail
  std::string jail;             // jid or name
  std::vector<std::string> command;  // empty: the user's shell
};

// args: argv without argv[0]. The error's message is the whole stderr text (FreeBSD's
// usage line has no "jexec: " prefix; an unknown option's line has).
Result<JexecArgs> parse_jexec_args(const std::vector<std::string>& args);

}  // namespace jails::cli
