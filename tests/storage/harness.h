// What the storage tests share: running jailctl, and the real backends they run on
// (btrfs on a loop device, overlay and directory on the host's ext4, a zfs-fuse pool on
// a file), each made on first use and removed when the test program ends.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace jails::storage::test {

struct Ran {
  int status = -1;     // exit status, or 128+signal
  std::string out, err;
  bool ok() const { return status == 0; }
};

// Runs a program with extra environment; stdin from `in_file` if given, stdout to
// `out_file` if given.
Ran run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
        const std::string& in_file = "", const std::string& out_file = "");
Ran sh(const std::string& command);  // /bin/sh -c, for fixtures only

std::string jailctl_bin();
std::string read_text(const std::string& path);
void write_text(const std::string& path, const std::string& text);
bool exists(const std::string& path);
std::string unique(const std::string& stem);  // "t<pid>_<stem>_<n>"

// A dataset root on one backend, private to one test.
struct Root {
  std::string backend;     // btrfs, overlay, directory, zfs
  std::string dir;         // the dataset root
  std::string etc;         // for jail.conf.d
  std::string zfs_parent;  // zfs only
  // jailctl with this root's flags first.
  Ran ctl(std::vector<std::string> args, const std::map<std::string, std::string>& env = {},
          const std::string& in_file = "", const std::string& out_file = "") const;
  // `dataset list -H -o name -t all` as one sorted line per dataset.
  std::string names() const;
};

// Makes a fresh root on `backend` (skips the test, or fails under CI=true, if the backend
// cannot exist here). The root's datasets are destroyed when the program ends.
Root make_root(const std::string& backend);
bool backend_available(const std::string& backend, std::string* why);

// Unmounts everything mounted at or below `dir` (deepest first).
void unmount_below(const std::string& dir);

}  // namespace jails::storage::test
