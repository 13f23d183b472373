// Where the rules of running jails live: one file per jail, <state_dir>/<name>.rctl,
// one rule per line in FreeBSD's canonical form. It is written whole (temp file +
// rename) under the jail's rctl lock, and removed with the jail (forget_jail).
//
// Linux: the lock is <state_dir>/<name>.rctl.lock, not the jail's own <name>.lock:
// `jail -c` holds that one while exec.created runs, and exec.created may run `rctl -a`.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "jail/record.h"
#include "rctl/rule.h"

namespace jails::rctl {

std::string rules_path(const std::string& name);
Result<jail::JailLock> lock_rules(const std::string& name);
// The jail's rules; none when the file does not exist.
Result<std::vector<Rule>> load_rules(const std::string& name);
// Replaces the file; an empty list removes it.
Result<void> save_rules(const std::string& name, const std::vector<Rule>& rules);
// Removes the rules file and its lock file.
void remove_rules_file(const std::string& name);
// Names of the jails that have a rules file.
std::vector<std::string> jails_with_rules();

// A rule of a rules file (/etc/rctl.conf): the rule and where it was written.
struct ConfRule {
  Rule rule;
  std::string text;
  int line = 0;
};
// Parses rctl.conf(5): one rule per line, '#' starts a comment, blank lines skipped.
// A line that does not parse is an error naming file:line.
Result<std::vector<ConfRule>> parse_conf(const std::string& path, const std::string& text);

}  // namespace jails::rctl
