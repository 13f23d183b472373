// Users inside a jail, read from the jail's own /etc/passwd and /etc/group as files.
//
// Linux: glibc's getpwnam() would load NSS modules, and inside a jail those are the
// jail's shared objects; loading them into a process that still holds host privileges
// would hand the host to the jail. So the files are parsed directly (fgetpwent), and
// getpwnam() is used only for host users (exec.system_user, jexec -u).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace jails::jail {

struct User {
  std::string name, home, shell;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary, primary included
};

// From files under root ("/" after joining the jail's mount namespace).
std::optional<User> find_user_in_files(const std::string& root, const std::string& name);
// From the host's user database (NSS).
std::optional<User> find_host_user(const std::string& name);
// The invoking user, unchanged.
User current_user();

}  // namespace jails::jail
