#include "cli/jail_targets.h"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <set>

#include "base/text.h"
#include "conf/load.h"
#include "conf/resolve.h"

using namespace jails;

namespace {

void report(const std::string& name, const Error& e) {
  std::string msg = e.what();
  if (name.empty() || starts_with(msg, name + ":") || starts_with(msg, "\""))
    std::fprintf(stderr, "jail: %s\n", msg.c_str());
  else
    std::fprintf(stderr, "jail: %s: %s\n", name.c_str(), msg.c_str());
}

std::string name_of(const conf::JailConf& jc, const conf::JailSpec* spec) {
  if (spec) return spec->name;
  if (auto* p = jc.find("name"); p && !p->values.empty()) return p->values.back();
  return jc.name;
}

// FreeBSD: `depend` jails are created first; a dependency cycle is an error for each
// jail on it. Returns indexes in start order; unordered (cyclic) ones are reported.
std::vector<size_t> start_order(const std::vector<conf::JailSpec*>& specs, std::vector<bool>& failed) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < specs.size(); ++i)
    if (specs[i]) index[specs[i]->name] = i;
  std::vector<int> state(specs.size(), 0);  // 0 new, 1 visiting, 2 done
  std::vector<size_t> order;
  std::function<bool(size_t)> visit = [&](size_t i) -> bool {
    if (state[i] == 2) return true;
    if (state[i] == 1) return false;
    state[i] = 1;
    bool ok = true;
    if (specs[i])
      for (const auto& d : specs[i]->depend)
        if (auto it = index.find(d); it != index.end() && !visit(it->second)) ok = false;
    state[i] = 2;
    if (!ok && !failed[i]) {
      failed[i] = true;
      std::fprintf(stderr, "jail: %s: dependency loop\n", specs[i]->name.c_str());
    }
    order.push_back(i);
    return ok;
  };
  for (size_t i = 0; i < specs.size(); ++i) visit(i);
  return order;
}

Result<void> one(const conf::JailSpec& spec, const Op& op, const jail::Options& opt) {
  auto live = TRY(jail::find_live(spec.name));
  if (!live && spec.jid > 0) live = TRY(jail::find_live(std::to_string(spec.jid)));
  if (live && op.remove) {
    TRY(jail::remove_jail(*live, spec, opt));
    live.reset();
  }
  if (live) {
    if (!op.modify) return fail("already exists");
    auto old = TRY(jail::record_spec(*live));
    return jail::modify_jail(*live, old, spec, opt);
  }
  if (!op.create) return fail("\"{}\" not found", spec.name);
  return jail::create_jail(spec, opt);
}

}  // namespace

bool run_targets(std::vector<Target> targets, const Op& op, const jail::Options& opt) {
  std::vector<std::optional<conf::JailSpec>> specs(targets.size());
  std::vector<conf::JailSpec*> ptrs(targets.size(), nullptr);
  std::vector<bool> failed(targets.size(), false);
  bool ok = true;
  for (size_t i = 0; i < targets.size(); ++i) {
    if (targets[i].conf.error) {
      report("", *targets[i].conf.error);
      failed[i] = true;
      continue;
    }
    auto s = conf::resolve(targets[i].conf);
    if (!s) {
      report(targets[i].conf.name, s.error());
      failed[i] = true;
      continue;
    }
    specs[i] = std::move(*s);
    ptrs[i] = &*specs[i];
  }
  std::map<std::string, bool> failed_by_name;
  for (size_t i : start_order(ptrs, failed)) {
    std::string name = name_of(targets[i].conf, ptrs[i]);
    if (!failed[i] && ptrs[i])
      for (const auto& d : ptrs[i]->depend)
        if (failed_by_name[d]) {
          std::fprintf(stderr, "jail: %s: skipped (depends on %s, which failed)\n", name.c_str(), d.c_str());
          failed[i] = true;
          break;
        }
    if (!failed[i]) {
      jail::Options o = opt;
      if (auto r = one(*ptrs[i], op, o); !r) {
        report(name, r.error());
        failed[i] = true;
      }
    }
    failed_by_name[name] = failed[i];
    ok = ok && !failed[i];
  }
  return ok;
}

bool run_configured(const std::string& name, const std::string& conf_file, const Op& op,
                    const jail::Options& opt) {
  conf::LoadOptions lo;
  if (!conf_file.empty()) lo.conf_file = conf_file;
  auto config = name.empty() ? conf::load_file(lo.conf_file, lo) : conf::load_for(name, lo);
  if (!config) {
    report("", config.error());
    return false;
  }
  jail::Options o = opt;
  o.conf_file = lo.conf_file;
  std::vector<Target> targets;
  if (name.empty()) {
    for (const auto& jc : config->jails) targets.push_back({jc, std::nullopt});
    return run_targets(std::move(targets), op, o);
  }
  // The named jail, after what it depends on that is configured and not running.
  std::set<std::string> want = {name};
  std::vector<std::string> todo = {name};
  while (!todo.empty()) {
    std::string n = todo.back();
    todo.pop_back();
    const conf::JailConf* jc = config->find(n);
    if (!jc) continue;
    auto s = conf::resolve(*jc);
    if (!s) continue;
    for (const auto& d : s->depend)
      if (!want.count(d) && config->find(d)) {
        auto live = jail::find_live(d);
        if (live && *live) continue;
        want.insert(d);
        todo.push_back(d);
      }
  }
  for (const auto& jc : config->jails)
    if (want.count(jc.name)) targets.push_back({jc, std::nullopt});
  if (targets.empty()) {
    std::fprintf(stderr, "jail: \"%s\" not found\n", name.c_str());
    return false;
  }
  return run_targets(std::move(targets), op, o);
}

bool remove_named(const std::vector<std::string>& keys, const std::string& conf_file, bool force,
                  const jail::Options& opt) {
  auto live = jail::live_records();
  if (!live) {
    report("", live.error());
    return false;
  }
  std::vector<jail::Record> chosen;
  bool ok = true, several = keys.size() > 1;
  for (const auto& key : keys) {
    if (key == "*" || (key.size() > 2 && key.substr(key.size() - 2) == ".*")) {
      several = true;
      std::string prefix = key == "*" ? "" : key.substr(0, key.size() - 1);
      for (const auto& r : *live)
        if (starts_with(r.name, prefix)) chosen.push_back(r);
      continue;
    }
    auto it = std::find_if(live->begin(), live->end(), [&](const jail::Record& r) {
      return r.name == key || std::to_string(r.jid) == key;
    });
    if (it == live->end()) {
      std::fprintf(stderr, "jail: \"%s\" not found\n", key.c_str());
      ok = false;
      continue;
    }
    chosen.push_back(*it);
  }
  // Dependants first: the newest jails go first.
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.jid > b.jid; });
  chosen.erase(std::unique(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.jid == b.jid; }),
               chosen.end());
  (void)several;
  for (const auto& r : chosen) {
    // FreeBSD reads the stop commands from jail.conf when the jail is there.
    conf::LoadOptions lo;
    if (!conf_file.empty()) lo.conf_file = conf_file;
    std::optional<conf::JailSpec> spec;
    if (!force)
      if (auto config = conf::load_for(r.name, lo))
        if (const auto* jc = config->find(r.name); jc && !jc->error)
          if (auto s = conf::resolve(*jc)) spec = std::move(*s);
    if (!spec) {
      auto s = jail::record_spec(r);
      if (!s) {
        report(r.name, s.error());
        ok = false;
        continue;
      }
      spec = std::move(*s);
    }
    jail::Options o = opt;
    if (auto res = jail::remove_jail(r, *spec, o, force); !res) {
      report(r.name, res.error());
      ok = false;
    }
  }
  return ok;
}
