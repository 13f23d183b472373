// Runs the `zfs` command: ZFS's stable interface, the one program jailctl runs itself.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace jails::storage {

// Runs `zfs args...` (no shell) and returns its stdout; a non-zero exit is an error
// carrying zfs's own words from stderr: "zfs destroy pool/x: cannot destroy ...".
// $JAILCTL_ZFS names another binary (tests, or a zfs outside $PATH).
Result<std::string> run_zfs(const std::vector<std::string>& args);

}  // namespace jails::storage
