#include "jail/record.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "base/text.h"

namespace jails::jail {

std::string Record::param(const std::string& n) const {
  auto* l = param_list(n);
  return l && !l->empty() ? l->front() : std::string();
}

const std::vector<std::string>* Record::param_list(const std::string& n) const {
  for (const auto& [k, v] : params)
    if (k == n) return &v;
  return nullptr;
}

std::string state_dir() {
  const char* env = std::getenv("JAIL_STATE_DIR");
  return env && *env ? env : "/run/jail";
}

unsigned long long process_start_time(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return 0;
  // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
  auto close = stat->rfind(')');
  if (close == std::string::npos) return 0;
  auto fields = split_blanks(std::string_view(*stat).substr(close + 1));
  // fields[0] is field 3 (state); starttime is field 22.
  if (fields.size() < 20) return 0;
  return std::strtoull(fields[19].c_str(), nullptr, 10);
}

bool init_alive(const Record& r) {
  if (r.init_pid <= 0) return false;
  auto st = process_start_time(r.init_pid);
  if (st == 0 || st != r.init_start) return false;
  // A zombie pid 1 has ended its jail already.
  auto status = read_file("/proc/" + std::to_string(r.init_pid) + "/stat");
  if (!status) return false;
  auto close = status->rfind(')');
  return close + 2 < status->size() && (*status)[close + 2] != 'Z' && (*status)[close + 2] != 'X';
}

Result<nlohmann::json> to_json(const Record& r) {
  nlohmann::json params = nlohmann::json::array();
  for (const auto& [k, v] : r.params) params.push_back({k, v});
  return nlohmann::json{{"jid", r.jid},           {"name", r.name},        {"path", r.path},
                        {"state", r.state},       {"init_pid", r.init_pid}, {"init_start", r.init_start},
                        {"cgroup", r.cgroup},     {"conf", r.conf},        {"params", params},
                        {"extra", r.extra}};
}

Result<Record> from_json(const nlohmann::json& j) {
  try {
    Record r;
    r.jid = j.at("jid").get<int>();
    r.name = j.at("name").get<std::string>();
    r.path = j.value("path", "");
    r.state = j.value("state", "");
    r.init_pid = j.value("init_pid", 0);
    r.init_start = j.value("init_start", 0ULL);
    r.cgroup = j.value("cgroup", "");
    r.conf = j.value("conf", "");
    for (const auto& p : j.value("params", nlohmann::json::array()))
      r.params.emplace_back(p.at(0).get<std::string>(), p.at(1).get<std::vector<std::string>>());
    r.extra = j.value("extra", nlohmann::json::object());
    return r;
  } catch (const nlohmann::json::exception& e) {
    return fail("malformed record: {}", e.what());
  }
}

namespace {

Result<void> ensure_state_dir() {
  std::string dir = state_dir();
  if (::mkdir(dir.c_str(), 0700) < 0 && errno != EEXIST) return sys_fail("mkdir({})", dir);
  return {};
}

Result<Record> read_record(const std::string& file) {
  auto text = read_file(file);
  if (!text) return sys_fail("read({})", file);
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded()) return fail("{}: malformed record", file);
  auto r = from_json(j);
  if (!r) return std::unexpected(std::move(r).error().context(file));
  return r;
}

}  // namespace

Result<std::vector<Record>> list_records() {
  std::vector<Record> out;
  std::string dir = state_dir();
  DIR* d = ::opendir(dir.c_str());
  if (!d) {
    if (errno == ENOENT) return out;
    return sys_fail("opendir({})", dir);
  }
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n.size() <= 5 || n.substr(n.size() - 5) != ".json" || n[0] == '.') continue;
    // A record half-written by a killed writer is never seen: writes are rename()d in.
    auto r = read_record(dir + "/" + n);
    if (r) out.push_back(std::move(*r));
  }
  ::closedir(d);
  std::sort(out.begin(), out.end(), [](const Record& a, const Record& b) { return a.jid < b.jid; });
  return out;
}

Result<std::optional<Record>> find_record(const std::string& key) {
  bool by_jid = !key.empty() && std::all_of(key.begin(), key.end(), ::isdigit);
  if (!by_jid) {
    std::string file = state_dir() + "/" + key + ".json";
    if (::access(file.c_str(), F_OK) < 0) return std::optional<Record>();
    return std::optional<Record>(TRY(read_record(file)));
  }
  int jid = static_cast<int>(parse_int(key).value_or(-1));
  for (auto& r : TRY(list_records()))
    if (r.jid == jid) return std::optional<Record>(std::move(r));
  // FreeBSD: a name may be all digits when it equals the jid; else look it up as a name.
  std::string file = state_dir() + "/" + key + ".json";
  if (::access(file.c_str(), F_OK) == 0) return std::optional<Record>(TRY(read_record(file)));
  return std::optional<Record>();
}

Result<void> write_record(const Record& r) {
  TRY(ensure_state_dir());
  std::string file = state_dir() + "/" + r.name + ".json";
  std::string tmp = state_dir() + "/." + r.name + ".json.tmp";
  std::string text = TRY(to_json(r)).dump(1) + "\n";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return sys_fail("open({})", tmp);
  if (::write(fd.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()))
    return sys_fail("write({})", tmp);
  if (::rename(tmp.c_str(), file.c_str()) < 0) return sys_fail("rename({}, {})", tmp, file);
  return {};
}

Result<void> remove_record(const std::string& name) {
  std::string file = state_dir() + "/" + name + ".json";
  if (::unlink(file.c_str()) < 0 && errno != ENOENT) return sys_fail("unlink({})", file);
  return {};
}

namespace {

Result<std::optional<JailLock>> lock_file(const std::string& name, bool wait);

}  // namespace

Result<JailLock> JailLock::acquire(const std::string& name) {
  auto l = TRY(lock_file(name, true));
  return std::move(*l);
}

Result<std::optional<JailLock>> JailLock::try_acquire(const std::string& name) { return lock_file(name, false); }

namespace {

Result<std::optional<JailLock>> lock_file(const std::string& name, bool wait) {
  TRY(ensure_state_dir());
  std::string file = state_dir() + "/" + name + ".lock";
  for (;;) {
    UniqueFd fd(::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
    if (!fd) return sys_fail("open({})", file);
    if (::flock(fd.get(), LOCK_EX | (wait ? 0 : LOCK_NB)) < 0) {
      if (errno == EWOULDBLOCK && !wait) return std::optional<JailLock>();
      return sys_fail("flock({})", file);
    }
    // The holder before us may have removed the file (remove_file()) after we opened
    // it: then our lock is on an orphan inode and another locker may hold a new file.
    struct stat held, now;
    if (::fstat(fd.get(), &held) == 0 && ::stat(file.c_str(), &now) == 0 && held.st_ino == now.st_ino)
      return std::optional<JailLock>(JailLock(std::move(fd), file));
  }
}

}  // namespace

void JailLock::remove_file() {
  if (fd_) ::unlink(path_.c_str());
}

}  // namespace jails::jail
