// Test fixtures for networking: a forked child in a network namespace of its own, a
// cgroup2 directory to attach hooks to, and a "jail" process in it. Everything made here
// is inside the child's namespace (gone with it) or removed by its destructor.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>

#include "base/error.h"
#include "net/jail_net.h"

namespace jails::net::test {

// Runs f in a forked child; returns what f returned ("" = success) or how the child died.
std::string in_child(const std::function<std::string()>& f);
// As in_child, in a fresh network namespace with lo up.
std::string in_netns(const std::function<std::string()>& f);

// A cgroup under the cgroup2 mount, removed (after its processes ended) by the destructor.
class TestCgroup {
 public:
  explicit TestCgroup(const std::string& tag);
  ~TestCgroup();
  int fd() const { return fd_; }
  const std::string& path() const { return path_; }
  // Runs f in a forked child moved into this cgroup first.
  std::string run(const std::function<std::string()>& f) const;
  // Moves the calling process in. Linux: a socket keeps the cgroup it was made in, so
  // sockets made now are the jail's, also after leave().
  std::string enter() const;
  static std::string leave();  // back to the cgroup2 root

 private:
  std::string path_;
  int fd_ = -1;
};

// A JailSpec with the given network parameters (name, ip4.addr, ...), as conf/ would give.
conf::JailSpec spec(const std::string& name, std::vector<std::string> ip4,
                    std::vector<std::string> ip6 = {});
void set_param(conf::JailSpec& s, const std::string& name, std::vector<std::string> values);

std::string unique(const std::string& tag);  // "t<pid>_<tag>"
std::string err(const Error& e);

// Socket operations: a new fd or -1 with the errno in *error. listen() for SOCK_STREAM.
int bound_socket(int family, int type, const std::string& addr, int port, int* error);
int connected_socket(int family, int type, const std::string& addr, int port, int* error);
std::string sockname(int fd);  // "127.0.13.1:80", "[fd00::1]:80"
std::string peername(int fd);

}  // namespace jails::net::test
