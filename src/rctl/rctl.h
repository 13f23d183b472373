// rctl(8) on Linux: the operations, for the rctl command and for the jail lifecycle.
//
// Rules belong to running jails (subject jail:NAME or jail:JID; a jid is stored as the
// jail's name, as FreeBSD's prison_racct keys rules by name). Adding or removing a rule
// recomputes the jail's whole limit set from its rules and writes it: cgroup files,
// prlimit(2) on the jail's live processes, the jail's IPC namespace sysctls. A rule the
// kernel refuses leaves the previous set in force and the rules file unchanged.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/error.h"
#include "rctl/rule.h"
#include "rctl/usage.h"

namespace jails::rctl {

// $RCTL_CONF, else /etc/rctl.conf.
std::string config_path();

// --- for the lifecycle (src/jail) ---

// Applies the rules of rctl.conf whose subject is jail:NAME or jail:JID. Call from
// `jail -c` once the jail's record and cgroup exist and its pid 1 runs (IPC limits go
// into pid 1's IPC namespace), before anything else runs inside. A bad rule for this
// jail is an error naming file:line; nothing is applied then. It starts the jail's
// rule set afresh (rules a previous jail of this name left are dropped), so call it
// before exec.created, whose `rctl -a` adds to it. On cgroup2 it also switches on the
// accounting controllers for jail/.
Result<void> apply_config_rules(const std::string& name, int jid);
// After `jail -r` removed the jail: its rules disappear.
void forget_jail(const std::string& name);
// The per-process limits for each new process of the jail (pid 1, jexec, exec.*),
// to set with setrlimit() before exec: {RLIMIT_*, limits}.
std::vector<std::pair<int, struct rlimit>> rlimits_for(const std::string& name);

// --- for rctl(8) ---

// rctl -a RULE. The same rule twice is kept once; a deny rule replaces a deny rule
// that differs only in amount (FreeBSD rctl_rule_add).
Result<void> add_rule(std::string_view text);
// rctl -r FILTER: removes every matching rule; an error when none matched.
Result<void> remove_rules(std::string_view filter);
// rctl [FILTER]: the rules matching the filter, jails by name.
Result<std::vector<Rule>> find_rules(std::string_view filter);
// rctl -l process:PID: the rules of the jail the process runs in.
Result<std::vector<Rule>> rules_of_process(std::string_view filter);
// rctl -u jail:NAME.
Result<std::vector<UsageLine>> usage(std::string_view filter, std::chrono::milliseconds sample);

}  // namespace jails::rctl
