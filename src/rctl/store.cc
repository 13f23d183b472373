#include "rctl/store.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "base/text.h"
#include "base/unique_fd.h"

namespace jails::rctl {

std::string rules_path(const std::string& name) { return jail::state_dir() + "/" + name + ".rctl"; }

Result<jail::JailLock> lock_rules(const std::string& name) { return jail::JailLock::acquire(name + ".rctl"); }

Result<std::vector<Rule>> load_rules(const std::string& name) {
  std::vector<Rule> out;
  std::string path = rules_path(name);
  auto text = read_file(path);
  if (!text) {
    if (errno == ENOENT) return out;
    return sys_fail("read({})", path);
  }
  int n = 0;
  for (const auto& line : split(*text, '\n')) {
    ++n;
    auto t = trim(line);
    if (t.empty()) continue;
    auto r = parse_rule(t);
    if (!r) return fail("{}:{}: {}", path, n, r.error().message);
    out.push_back(std::move(*r));
  }
  return out;
}

Result<void> save_rules(const std::string& name, const std::vector<Rule>& rules) {
  std::string path = rules_path(name);
  if (rules.empty()) {
    if (::unlink(path.c_str()) < 0 && errno != ENOENT) return sys_fail("unlink({})", path);
    return {};
  }
  std::string text;
  for (const auto& r : rules) text += format_rule(r) + "\n";
  std::string tmp = jail::state_dir() + "/." + name + ".rctl.tmp";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return sys_fail("open({})", tmp);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return sys_fail("write({})", tmp);
  if (::rename(tmp.c_str(), path.c_str()) < 0) return sys_fail("rename({}, {})", tmp, path);
  return {};
}

void remove_rules_file(const std::string& name) {
  ::unlink(rules_path(name).c_str());
  ::unlink((jail::state_dir() + "/" + name + ".rctl.lock").c_str());
}

std::vector<std::string> jails_with_rules() {
  std::vector<std::string> out;
  DIR* d = ::opendir(jail::state_dir().c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n[0] == '.' || n.size() <= 5 || !n.ends_with(".rctl")) continue;
    out.push_back(n.substr(0, n.size() - 5));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::vector<ConfRule>> parse_conf(const std::string& path, const std::string& text) {
  std::vector<ConfRule> out;
  int n = 0;
  for (const auto& raw : split(text, '\n')) {
    ++n;
    std::string_view line = raw;
    if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    line = trim(line);
    if (line.empty()) continue;
    auto r = parse_rule(line);
    if (!r) return fail("{}:{}: {}", path, n, r.error().message);
    out.push_back({std::move(*r), std::string(line), n});
  }
  return out;
}

}  // namespace jails::rctl
