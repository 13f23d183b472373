#include "rctl/ipc.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <functional>

#include "base/text.h"
#include "base/unique_fd.h"

namespace jails::rctl {

namespace {

// Runs fn inside the IPC namespace at nspath (or a brand-new one when nspath is empty),
// then returns this thread to the namespace it was in.
template <class T>
Result<T> in_ipc_ns(const std::string& nspath, const std::function<Result<T>()>& fn) {
  UniqueFd self(::open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC));
  if (!self) return sys_fail("open(/proc/thread-self/ns/ipc)");
  if (nspath.empty()) {
    if (::unshare(CLONE_NEWIPC) < 0) return sys_fail("unshare(CLONE_NEWIPC)");
  } else {
    UniqueFd target(::open(nspath.c_str(), O_RDONLY | O_CLOEXEC));
    if (!target) return sys_fail("open({})", nspath);
    if (::setns(target.get(), CLONE_NEWIPC) < 0) return sys_fail("setns({}, CLONE_NEWIPC)", nspath);
  }
  Result<T> out = fn();
  if (::setns(self.get(), CLONE_NEWIPC) < 0) return sys_fail("setns(own IPC namespace, CLONE_NEWIPC)");
  return out;
}

std::string ns_path(pid_t pid) { return "/proc/" + std::to_string(pid) + "/ns/ipc"; }

// Linux: shmall defaults to nearly 2^64 pages, so values are unsigned.
Result<std::vector<uint64_t>> read_sysctl(const std::string& name) {
  std::string path = "/proc/sys/kernel/" + name;
  auto text = read_file(path);
  if (!text) return sys_fail("read({})", path);
  std::vector<uint64_t> out;
  for (const auto& w : split_blanks(*text)) {
    char* end = nullptr;
    uint64_t v = std::strtoull(w.c_str(), &end, 10);
    if (end && *end == '\0') out.push_back(v);
  }
  if (out.empty()) return fail("{}: no number in '{}'", path, trim(*text));
  return out;
}

Result<void> write_sysctl(const std::string& name, const std::string& value) {
  std::string path = "/proc/sys/kernel/" + name;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return sys_fail("open({})", path);
  if (::write(fd.get(), value.data(), value.size()) < 0) return sys_fail("write({}, {})", path, value);
  return {};
}

struct IpcValues {
  uint64_t msgmni, shmmni, shmall;
  std::vector<uint64_t> sem;  // SEMMSL SEMMNS SEMOPM SEMMNI
};

Result<IpcValues> read_values() {
  IpcValues v;
  v.msgmni = TRY(read_sysctl("msgmni"))[0];
  v.shmmni = TRY(read_sysctl("shmmni"))[0];
  v.shmall = TRY(read_sysctl("shmall"))[0];
  v.sem = TRY(read_sysctl("sem"));
  if (v.sem.size() != 4) return fail("/proc/sys/kernel/sem: expected 4 numbers");
  return v;
}

// /proc/sysvipc/<kind>: a header line, then one line per object.
std::vector<std::vector<int64_t>> sysvipc_rows(const char* kind) {
  std::vector<std::vector<int64_t>> rows;
  auto text = read_file(std::string("/proc/sysvipc/") + kind);
  if (!text) return rows;
  auto lines = split(*text, '\n');
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<int64_t> row;
    for (const auto& w : split_blanks(lines[i])) row.push_back(parse_int(w).value_or(0));
    if (!row.empty()) rows.push_back(std::move(row));
  }
  return rows;
}

}  // namespace

bool own_ipc_namespace(pid_t pid) {
  struct stat a, b;
  if (::stat(ns_path(pid).c_str(), &a) < 0 || ::stat("/proc/thread-self/ns/ipc", &b) < 0) return false;
  return a.st_ino != b.st_ino || a.st_dev != b.st_dev;
}

Result<void> write_ipc_limits(pid_t pid, const IpcLimits& l) {
  if (!own_ipc_namespace(pid))
    return fail("IPC rules need the jail's own IPC namespace (sysvshm=new, sysvmsg=new, sysvsem=new); pid {} shares this one", pid);
  IpcValues defaults = TRY(in_ipc_ns<IpcValues>("", read_values));
  long page = ::sysconf(_SC_PAGESIZE);
  return in_ipc_ns<void>(ns_path(pid), [&]() -> Result<void> {
    auto sem = defaults.sem;
    if (l.semmns) sem[1] = static_cast<uint64_t>(*l.semmns);
    if (l.semopm) sem[2] = static_cast<uint64_t>(*l.semopm);
    TRY(write_sysctl("msgmni", std::to_string(l.msgmni ? static_cast<uint64_t>(*l.msgmni) : defaults.msgmni)));
    TRY(write_sysctl("shmmni", std::to_string(l.shmmni ? static_cast<uint64_t>(*l.shmmni) : defaults.shmmni)));
    // Linux: shmall counts pages; FreeBSD's shmsize counts bytes (rounded up to a page).
    uint64_t shmall = l.shmsize_bytes ? static_cast<uint64_t>((*l.shmsize_bytes + page - 1) / page) : defaults.shmall;
    TRY(write_sysctl("shmall", std::to_string(shmall)));
    return write_sysctl("sem", fmt::format("{} {} {} {}", sem[0], sem[1], sem[2], sem[3]));
  });
}

Result<IpcUsage> read_ipc_usage(pid_t pid) {
  if (!own_ipc_namespace(pid)) return fail("pid {} shares this IPC namespace", pid);
  return in_ipc_ns<IpcUsage>(ns_path(pid), []() -> Result<IpcUsage> {
    IpcUsage u;
    // msg: key msqid perms cbytes qnum ...; sem: key semid perms nsems ...;
    // shm: key shmid perms size ...
    for (const auto& row : sysvipc_rows("msg")) {
      ++u.nmsgq;
      if (row.size() > 4) u.msgqsize += row[3], u.msgqqueued += row[4];
    }
    for (const auto& row : sysvipc_rows("sem"))
      if (row.size() > 3) u.nsem += row[3];
    for (const auto& row : sysvipc_rows("shm")) {
      ++u.nshm;
      if (row.size() > 3) u.shmsize += row[3];
    }
    return u;
  });
}

}  // namespace jails::rctl
