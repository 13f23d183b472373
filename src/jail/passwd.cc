#include "jail/passwd.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "base/text.h"

namespace jails::jail {

std::optional<User> find_user_in_files(const std::string& root, const std::string& name) {
  std::string base = root == "/" ? "" : root;
  FILE* f = std::fopen((base + "/etc/passwd").c_str(), "re");
  if (!f) return std::nullopt;
  std::optional<User> u;
  bool by_uid = parse_int(name).has_value();
  while (passwd* pw = ::fgetpwent(f)) {
    if (by_uid ? std::to_string(pw->pw_uid) == name : name == pw->pw_name) {
      u = User{pw->pw_name, pw->pw_dir ? pw->pw_dir : "/", pw->pw_shell ? pw->pw_shell : "", pw->pw_uid, pw->pw_gid, {}};
      break;
    }
  }
  std::fclose(f);
  if (!u) return u;
  u->groups.push_back(u->gid);
  if (FILE* g = std::fopen((base + "/etc/group").c_str(), "re")) {
    while (group* gr = ::fgetgrent(g))
      for (char** m = gr->gr_mem; m && *m; ++m)
        if (u->name == *m && gr->gr_gid != u->gid) u->groups.push_back(gr->gr_gid);
    std::fclose(g);
  }
  return u;
}

std::optional<User> find_host_user(const std::string& name) {
  passwd* pw = parse_int(name) ? ::getpwuid(static_cast<uid_t>(*parse_int(name))) : ::getpwnam(name.c_str());
  if (!pw) return std::nullopt;
  User u{pw->pw_name, pw->pw_dir ? pw->pw_dir : "/", pw->pw_shell ? pw->pw_shell : "", pw->pw_uid, pw->pw_gid, {}};
  int n = 64;
  std::vector<gid_t> gids(n);
  if (::getgrouplist(u.name.c_str(), u.gid, gids.data(), &n) < 0) {
    gids.resize(n);
    ::getgrouplist(u.name.c_str(), u.gid, gids.data(), &n);
  }
  gids.resize(n);
  u.groups = gids;
  return u;
}

User current_user() {
  User u;
  u.uid = ::getuid();
  u.gid = ::getgid();
  if (passwd* pw = ::getpwuid(u.uid)) {
    u.name = pw->pw_name;
    u.home = pw->pw_dir ? pw->pw_dir : "/";
    u.shell = pw->pw_shell ? pw->pw_shell : "";
  }
  return u;
}

}  // namespace jails::jail
