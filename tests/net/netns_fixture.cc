#include "netns_fixture.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <thread>

#include "net/rtnl.h"

namespace jails::net::test {

std::string err(const Error& e) { return e.what(); }

std::string unique(const std::string& tag) { return fmt::format("t{}_{}", getpid(), tag); }

std::string in_child(const std::function<std::string()>& f) {
  int p[2];
  if (pipe2(p, O_CLOEXEC) < 0) return "pipe failed";
  pid_t pid = fork();
  if (pid == 0) {
    close(p[0]);
    std::string r;
    try {
      r = f();
    } catch (const std::exception& e) {
      r = std::string("exception: ") + e.what();
    }
    if (!r.empty() && write(p[1], r.data(), r.size()) < 0) _exit(3);
    _exit(r.empty() ? 0 : 1);
  }
  close(p[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(p[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(p[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!out.empty()) return out;
  if (WIFSIGNALED(status)) return fmt::format("child killed by signal {}", WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) return fmt::format("child exited {}", WEXITSTATUS(status));
  return "";
}

std::string in_netns(const std::function<std::string()>& f) {
  return in_child([&]() -> std::string {
    if (unshare(CLONE_NEWNET) < 0) return fmt::format("unshare(CLONE_NEWNET): {}", strerror(errno));
    auto nl = Rtnl::open();
    if (!nl) return err(nl.error());
    auto lo = nl->link_index("lo");
    if (!lo || !*lo) return "no lo";
    if (auto r = nl->link_up(**lo, "lo"); !r) return err(r.error());
    return f();
  });
}

TestCgroup::TestCgroup(const std::string& tag)
    : path_("/sys/fs/cgroup/unified/" + unique(tag)) {
  mkdir(path_.c_str(), 0755);
  fd_ = open(path_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

TestCgroup::~TestCgroup() {
  if (fd_ >= 0) close(fd_);
  leave();  // a test that failed half-way may still be inside
  // The children that were in it have been waited for; rmdir removes the programs too.
  for (int i = 0; i < 50 && rmdir(path_.c_str()) < 0 && errno == EBUSY; i++)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

std::string TestCgroup::run(const std::function<std::string()>& f) const {
  return in_child([&]() -> std::string {
    std::ofstream procs(path_ + "/cgroup.procs");
    procs << "0" << std::flush;
    if (!procs) return "cannot join " + path_;
    return f();
  });
}

std::string TestCgroup::enter() const {
  std::ofstream procs(path_ + "/cgroup.procs");
  procs << getpid() << std::flush;
  return procs ? "" : "cannot join " + path_;
}

std::string TestCgroup::leave() {
  std::ofstream procs("/sys/fs/cgroup/unified/cgroup.procs");
  procs << getpid() << std::flush;
  return procs ? "" : "cannot return to the cgroup2 root";
}

conf::JailSpec spec(const std::string& name, std::vector<std::string> ip4, std::vector<std::string> ip6) {
  conf::JailSpec s;
  s.name = name;
  s.ip4_addr = std::move(ip4);
  s.ip6_addr = std::move(ip6);
  s.ip4 = s.ip4_addr.empty() ? conf::NsMode::New : conf::NsMode::New;
  return s;
}

void set_param(conf::JailSpec& s, const std::string& name, std::vector<std::string> values) {
  s.params.push_back({name, std::move(values), {}});
}

namespace {

socklen_t make_addr(int family, const std::string& addr, int port, sockaddr_storage& ss) {
  std::memset(&ss, 0, sizeof ss);
  if (family == AF_INET) {
    auto* s = reinterpret_cast<sockaddr_in*>(&ss);
    s->sin_family = AF_INET;
    s->sin_port = htons(static_cast<uint16_t>(port));
    inet_pton(AF_INET, addr.c_str(), &s->sin_addr);
    return sizeof *s;
  }
  auto* s = reinterpret_cast<sockaddr_in6*>(&ss);
  s->sin6_family = AF_INET6;
  s->sin6_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET6, addr.c_str(), &s->sin6_addr);
  return sizeof *s;
}

std::string name_of(const sockaddr_storage& ss) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (ss.ss_family == AF_INET) {
    auto* s = reinterpret_cast<const sockaddr_in*>(&ss);
    inet_ntop(AF_INET, &s->sin_addr, buf, sizeof buf);
    return fmt::format("{}:{}", buf, ntohs(s->sin_port));
  }
  auto* s = reinterpret_cast<const sockaddr_in6*>(&ss);
  inet_ntop(AF_INET6, &s->sin6_addr, buf, sizeof buf);
  return fmt::format("[{}]:{}", buf, ntohs(s->sin6_port));
}

int failed(int fd, int* error) {
  *error = errno;
  if (fd >= 0) close(fd);
  return -1;
}

}  // namespace

int bound_socket(int family, int type, const std::string& addr, int port, int* error) {
  *error = 0;
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return failed(fd, error);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (family == AF_INET6) setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  sockaddr_storage ss;
  socklen_t len = make_addr(family, addr, port, ss);
  if (bind(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) return failed(fd, error);
  if (type == SOCK_STREAM && listen(fd, 16) < 0) return failed(fd, error);
  return fd;
}

int connected_socket(int family, int type, const std::string& addr, int port, int* error) {
  *error = 0;
  int fd = socket(family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return failed(fd, error);
  sockaddr_storage ss;
  socklen_t len = make_addr(family, addr, port, ss);
  if (connect(fd, reinterpret_cast<sockaddr*>(&ss), len) < 0) return failed(fd, error);
  return fd;
}

std::string sockname(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return "?";
  return name_of(ss);
}

std::string peername(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getpeername(fd, reinterpret_cast<sockaddr*>(&ss), &len) < 0) return "?";
  return name_of(ss);
}

}  // namespace jails::net::test
