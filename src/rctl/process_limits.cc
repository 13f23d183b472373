#include "rctl/process_limits.h"

#include <dirent.h>

#include <algorithm>
#include <cerrno>
#include <string>

#include "base/text.h"

namespace jails::rctl {

namespace {

Result<void> prlimit_one(pid_t pid, int resource, const RlimitRule* rule) {
  auto res = static_cast<__rlimit_resource>(resource);
  struct rlimit base, want, cur;
  if (::getrlimit(res, &base) < 0) return sys_fail("getrlimit({})", resource);
  want = rule ? resolve_rlimit(*rule, base) : base;
  if (::prlimit(pid, res, &want, nullptr) == 0 || errno == ESRCH) return {};
  if (errno != EPERM || ::prlimit(pid, res, nullptr, &cur) < 0)
    return sys_fail("prlimit({}, {}, {{{}, {}}})", pid, resource, want.rlim_cur, want.rlim_max);
  // Linux: raising a hard limit needs CAP_SYS_RESOURCE; without it the process keeps
  // its lower hard limit (it never gets looser than the rules say).
  want.rlim_max = std::min(want.rlim_max, cur.rlim_max);
  want.rlim_cur = std::min(want.rlim_cur, want.rlim_max);
  if (::prlimit(pid, res, &want, nullptr) < 0 && errno != ESRCH)
    return sys_fail("prlimit({}, {}, {{{}, {}}})", pid, resource, want.rlim_cur, want.rlim_max);
  return {};
}

int64_t kb_field(const std::string& status, std::string_view key) {
  auto pos = status.find(key);
  if (pos == std::string::npos) return 0;
  auto f = split_blanks(std::string_view(status).substr(pos + key.size(), 40));
  return f.empty() ? 0 : parse_int(f[0]).value_or(0);
}

int64_t count_fds(pid_t pid) {
  DIR* d = ::opendir(("/proc/" + std::to_string(pid) + "/fd").c_str());
  if (!d) return 0;
  int64_t n = 0;
  while (dirent* e = ::readdir(d))
    if (e->d_name[0] != '.') ++n;
  ::closedir(d);
  return n;
}

}  // namespace

Result<void> prlimit_all(const std::vector<pid_t>& pids, const std::vector<RlimitRule>& rules,
                         const std::vector<int>& reset) {
  for (pid_t pid : pids) {
    for (const auto& rule : rules) TRY(prlimit_one(pid, rule.resource, &rule));
    for (int resource : reset) TRY(prlimit_one(pid, resource, nullptr));
  }
  return {};
}

ProcessUsage read_process_usage(const std::vector<pid_t>& pids) {
  ProcessUsage u;
  for (pid_t pid : pids) {
    auto status = read_file("/proc/" + std::to_string(pid) + "/status");
    if (!status) continue;
    ++u.processes;
    u.threads += kb_field(*status, "Threads:");
    u.data += kb_field(*status, "VmData:") * 1024;
    u.stack += kb_field(*status, "VmStk:") * 1024;
    u.locked += kb_field(*status, "VmLck:") * 1024;
    u.vmem += kb_field(*status, "VmSize:") * 1024;
    u.openfiles += count_fds(pid);
  }
  return u;
}

}  // namespace jails::rctl
