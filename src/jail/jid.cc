#include "jail/jid.h"

#include <fcntl.h>
#include <unistd.h>

#include <set>

#include "base/text.h"
#include "jail/record.h"

namespace jails::jail {

namespace {
constexpr int kJailMax = 999999;
}

Result<int> allocate_jid(int wanted) {
  auto lock = TRY(JailLock::acquire(".jid"));
  std::set<int> used;
  for (const auto& r : TRY(list_records()))
    if (init_alive(r) || r.state == "creating") used.insert(r.jid);
  if (wanted > 0) {
    if (used.count(wanted)) return fail("jid {} already exists", wanted);
    return wanted;
  }
  std::string file = state_dir() + "/.lastjid";
  int last = 0;
  if (auto text = read_file(file)) last = static_cast<int>(parse_int(trim(*text)).value_or(0));
  int jid = last;
  for (int i = 0; i < kJailMax; ++i) {
    jid = jid >= kJailMax ? 1 : jid + 1;
    if (!used.count(jid)) break;
  }
  if (used.count(jid)) return fail("no free jail id");
  std::string tmp = file + ".tmp", text = std::to_string(jid) + "\n";
  UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd || ::write(fd.get(), text.data(), text.size()) < 0 || ::rename(tmp.c_str(), file.c_str()) < 0)
    return sys_fail("write({})", file);
  return jid;
}

}  // namespace jails::jail
