#include "rctl/rctl.h"

#include <algorithm>
#include <cstdlib>

#include "base/text.h"
#include "kernel/cgroup.h"
#include "rctl/apply.h"
#include "rctl/cgroup_limits.h"
#include "rctl/limits.h"
#include "rctl/resource.h"
#include "rctl/store.h"

namespace jails::rctl {

namespace {

// A jail name or jid names a file in the state dir: no '/' and no dot-only names.
Result<void> check_key(const std::string& key) {
  if (key.find('/') != std::string::npos || key == "." || key == "..")
    return fail("'{}' is not a jail name or jid", key);
  return {};
}

Result<jail::Record> running_jail(const std::string& key) {
  TRY(check_key(key));
  auto rec = TRY(jail::find_record(key));
  // A jail being created has no live pid 1 yet, or just got one: exec.created runs then.
  if (!rec || (rec->state != "creating" && !jail::init_alive(*rec))) return fail("jail '{}' not found", key);
  return std::move(*rec);
}

Result<Rule> parse_checked(std::string_view text) {
  Rule r = TRY(parse_rule(text));
  if (!fully_specified(r)) return fail("rule is not fully specified: {} missing", first_missing(r));
  TRY(check_rule(r));
  return r;
}

// FreeBSD rctl_rule_add: drop an identical rule, and for deny a rule that differs only
// in amount, then append.
void merge(std::vector<Rule>& rules, const Rule& r) {
  Rule same = r;
  if (r.action == "deny") same.amount.reset();
  std::erase_if(rules, [&](const Rule& x) { return matches(x, same) && x.per == r.per; });
  rules.push_back(r);
}

// Merges `add` into the jail's rules and applies them, under the jail's rctl lock.
Result<void> add_to_jail(const std::string& key, const std::vector<Rule>& add) {
  jail::Record rec = TRY(running_jail(key));
  auto lock = TRY(lock_rules(rec.name));
  rec = TRY(running_jail(rec.name));  // it may have gone while we waited
  auto old = TRY(load_rules(rec.name));
  auto rules = old;
  for (Rule r : add) {
    r.id = rec.name;
    merge(rules, r);
  }
  if (rules == old) return {};
  TRY(apply_rules(rec, rules, old));
  if (auto saved = save_rules(rec.name, rules); !saved) {
    (void)apply_rules(rec, old, rules);
    return saved;
  }
  return {};
}

Result<Rule> parse_filter(std::string_view text) {
  Rule f = TRY(parse_rule(text));
  if (!f.subject.empty() && f.subject != "jail" && f.subject != "process")
    return fail("subject '{}' is not supported: rules here limit jails", f.subject);
  return f;
}

// Rules files of jails that ended without `jail -r` (or before the lifecycle called
// forget_jail) are leftovers: the next rctl command that lists them removes them.
std::vector<std::string> live_jails_with_rules() {
  std::vector<std::string> out;
  for (const auto& name : jails_with_rules()) {
    auto rec = jail::find_record(name);
    if (rec && *rec && ((*rec)->state == "creating" || jail::init_alive(**rec))) out.push_back(name);
    else if (rec && !*rec) forget_jail(name);
  }
  return out;
}

// The jails a filter can touch: the one it names, or all with rules.
Result<std::vector<std::string>> filter_jails(Rule& f) {
  if (f.id.empty()) return live_jails_with_rules();
  TRY(check_key(f.id));
  auto rec = TRY(jail::find_record(f.id));
  if (!rec) {
    forget_jail(f.id);  // a leftover of a jail that is gone, if any
    return std::vector<std::string>{};
  }
  f.id = rec->name;
  return std::vector<std::string>{rec->name};
}

}  // namespace

std::string config_path() {
  const char* env = std::getenv("RCTL_CONF");
  return env && *env ? env : "/etc/rctl.conf";
}

Result<void> add_rule(std::string_view text) {
  Rule r = TRY(parse_checked(text));
  return add_to_jail(r.id, {r});
}

Result<void> remove_rules(std::string_view text) {
  Rule f = TRY(parse_filter(text));
  if (f.subject == "process") return fail("no rule matches: process rules are not supported");
  int found = 0;
  for (const auto& name : TRY(filter_jails(f))) {
    auto lock = TRY(lock_rules(name));
    auto old = TRY(load_rules(name));
    auto rules = old;
    found += static_cast<int>(std::erase_if(rules, [&](const Rule& x) { return matches(x, f); }));
    if (rules == old) continue;
    if (auto rec = jail::find_record(name); rec && *rec) TRY(apply_rules(**rec, rules, old));
    TRY(save_rules(name, rules));
  }
  // FreeBSD: rctl_rule_remove returns ESRCH when nothing matched.
  if (found == 0) return fail("no rule matches");
  return {};
}

Result<std::vector<Rule>> find_rules(std::string_view text) {
  Rule f = TRY(parse_filter(text));
  std::vector<Rule> out;
  if (f.subject == "process") return out;
  for (const auto& name : TRY(filter_jails(f)))
    for (auto& r : TRY(load_rules(name)))
      if (matches(r, f)) out.push_back(std::move(r));
  return out;
}

Result<std::vector<Rule>> rules_of_process(std::string_view text) {
  Rule f = TRY(parse_rule(text));
  auto pid = parse_int(f.id);
  if (f.subject != "process" || !pid) return fail("-l needs a process filter: process:PID");
  auto groups = read_file("/proc/" + f.id + "/cgroup");
  if (!groups) return sys_fail("read(/proc/{}/cgroup)", f.id);
  // Lines "N:controllers:/jail/<name>[/procs]": the jail the process runs in.
  for (const auto& line : split(*groups, '\n')) {
    auto at = line.find(":/jail/");
    if (at == std::string::npos) continue;
    std::string name = split(line.substr(at + 7), '/')[0];
    return load_rules(name);
  }
  return std::vector<Rule>{};
}

Result<std::vector<UsageLine>> usage(std::string_view text, std::chrono::milliseconds sample) {
  Rule f = TRY(parse_filter(text));
  if (f.subject != "jail" || f.id.empty()) return fail("-u needs one jail: jail:NAME or jail:JID");
  jail::Record rec = TRY(running_jail(f.id));
  enable_accounting(rec.cgroup.empty() ? kernel::jail_cgroup(rec.name) : rec.cgroup);
  return jail_usage(rec, sample);
}

Result<void> apply_config_rules(const std::string& name, int jid) {
  // A new jail starts clean: rules left by an earlier jail of this name are stale.
  forget_jail(name);
  enable_accounting(kernel::jail_cgroup(name));
  std::string path = config_path();
  auto text = read_file(path);
  if (!text) {
    if (errno == ENOENT) return {};
    return sys_fail("read({})", path);
  }
  std::vector<Rule> mine;
  for (const auto& c : TRY(parse_conf(path, *text))) {
    if (c.rule.subject != "jail" || (c.rule.id != name && c.rule.id != std::to_string(jid))) continue;
    auto r = parse_checked(c.text);
    if (!r) return fail("{}:{}: rule '{}': {}", path, c.line, c.text, r.error().message);
    mine.push_back(*r);
  }
  if (mine.empty()) return {};
  return add_to_jail(name, mine);
}

void forget_jail(const std::string& name) {
  if (auto lock = lock_rules(name)) remove_rules_file(name);
}

std::vector<std::pair<int, struct rlimit>> rlimits_for(const std::string& name) {
  std::vector<std::pair<int, struct rlimit>> out;
  auto rules = load_rules(name);
  if (!rules) return out;
  for (const auto& rule : limits_for(*rules).rlimits) {
    struct rlimit cur;
    if (::getrlimit(static_cast<__rlimit_resource>(rule.resource), &cur) < 0) continue;
    out.emplace_back(rule.resource, resolve_rlimit(rule, cur));
  }
  return out;
}

}  // namespace jails::rctl
