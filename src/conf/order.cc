#include "conf/order.h"

#include <algorithm>
#include <queue>
#include <unordered_map>

#include <fmt/format.h>

namespace jails::conf {
namespace {

using Graph = std::vector<std::vector<size_t>>;  // jail -> the jails it depends on

Result<Graph> dependencies(const Config& c) {
  std::unordered_map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < c.jails.size(); ++i) by_name.emplace(c.jails[i].name, i);
  Graph g(c.jails.size());
  for (size_t i = 0; i < c.jails.size(); ++i) {
    const JailConf& j = c.jails[i];
    std::vector<std::string> names = j.implied_depend;
    if (const Param* d = j.find("depend")) names.insert(names.end(), d->values.begin(), d->values.end());
    for (const auto& n : names) {
      if (n.empty()) continue;
      // FreeBSD find_jail: dependencies name configured jails by their section name.
      auto hit = by_name.find(n);
      if (hit == by_name.end()) return fail("{}: depends on undefined jail \"{}\"", j.name, n);
      if (std::find(g[i].begin(), g[i].end(), hit->second) == g[i].end()) g[i].push_back(hit->second);
    }
  }
  return g;
}

Result<std::vector<size_t>> chosen(const Config& c, const std::vector<std::string>& selection) {
  std::vector<size_t> out;
  if (selection.empty()) {
    for (size_t i = 0; i < c.jails.size(); ++i) out.push_back(i);
    return out;
  }
  for (const auto& s : selection) {
    auto hit = select(c, s);
    if (hit.empty()) return fail("\"{}\" not found", s);
    out.insert(out.end(), hit.begin(), hit.end());
  }
  return out;
}

// Kahn's algorithm, earliest in file order first. `g` maps each jail to those that must come
// before it; only jails marked `in` take part.
Result<std::vector<size_t>> sorted(const Config& c, const Graph& g, const std::vector<bool>& in) {
  std::vector<size_t> waiting(g.size(), 0);
  Graph after(g.size());  // jail -> the jails waiting for it
  for (size_t i = 0; i < g.size(); ++i) {
    if (!in[i]) continue;
    for (size_t d : g[i])
      if (in[d]) ++waiting[i], after[d].push_back(i);
  }
  std::priority_queue<size_t, std::vector<size_t>, std::greater<>> ready;
  for (size_t i = 0; i < g.size(); ++i)
    if (in[i] && waiting[i] == 0) ready.push(i);
  std::vector<size_t> out;
  while (!ready.empty()) {
    size_t i = ready.top();
    ready.pop();
    out.push_back(i);
    for (size_t k : after[i])
      if (--waiting[k] == 0) ready.push(k);
  }
  for (size_t i = 0; i < g.size(); ++i)
    if (in[i] && waiting[i] != 0) return fail("{}: dependency loop", c.jails[i].name);
  return out;
}

// Marks everything reachable from `start` along `g`.
std::vector<bool> closure(const Graph& g, const std::vector<size_t>& start) {
  std::vector<bool> in(g.size(), false);
  std::vector<size_t> todo = start;
  while (!todo.empty()) {
    size_t i = todo.back();
    todo.pop_back();
    if (in[i]) continue;
    in[i] = true;
    todo.insert(todo.end(), g[i].begin(), g[i].end());
  }
  return in;
}

}  // namespace

std::vector<size_t> select(const Config& c, const std::string& which) {
  std::vector<size_t> out;
  for (size_t i = 0; i < c.jails.size(); ++i) {
    const JailConf& j = c.jails[i];
    bool hit = j.name == which || (wild_name(which) && wild_match(j.name, which));
    for (const char* p : {"name", "jid"})
      if (const Param* v = j.find(p); v && !v->values.empty() && v->values.back() == which) hit = true;
    if (hit) out.push_back(i);
  }
  return out;
}

Result<std::vector<size_t>> start_order(const Config& c, const std::vector<std::string>& selection) {
  Graph g = TRY(dependencies(c));
  auto start = TRY(chosen(c, selection));
  return sorted(c, g, closure(g, start));
}

Result<std::vector<size_t>> stop_order(const Config& c, const std::vector<std::string>& selection) {
  Graph g = TRY(dependencies(c));
  auto start = TRY(chosen(c, selection));
  Graph rev(g.size());  // jail -> the jails that depend on it
  for (size_t i = 0; i < g.size(); ++i)
    for (size_t d : g[i]) rev[d].push_back(i);
  // Removing in the mirror order: a jail goes after every jail that depends on it is gone.
  return sorted(c, rev, closure(rev, start));
}

}  // namespace jails::conf
