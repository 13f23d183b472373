// net_bench_run: runs one command as a shared-stack or VNET "jail" made with jails_net
// alone (the network half of jail -c), for bench/net.sh. Cleans up when the command ends
// or on SIGTERM/SIGINT, which it passes on to the command.
//
//   net_bench_run shared NAME ADDR -- cmd...           (ADDR added to lo, hooks on a cgroup)
//   net_bench_run vnet NAME ADDR/P BRIDGE BRADDR/P -- cmd...
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "net/jail_net.h"

using namespace jails;

static pid_t child = 0;
static void forward(int sig) {
  if (child > 0) kill(child, sig);
}

static int run(const std::vector<char*>& argv, const std::string& cgroup, int netns) {
  child = fork();
  if (child == 0) {
    if (!cgroup.empty()) std::ofstream(cgroup + "/cgroup.procs") << getpid() << std::flush;
    if (netns >= 0 && setns(netns, CLONE_NEWNET) < 0) _exit(126);
    execvp(argv[0], argv.data());
    _exit(127);
  }
  signal(SIGTERM, forward);
  signal(SIGINT, forward);
  int status = 0;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int die(const Error& e) {
  std::fprintf(stderr, "net_bench_run: %s\n", e.what().c_str());
  return 1;
}

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t dash = 0;
  while (dash < args.size() && args[dash] != "--") dash++;
  if (dash + 1 >= args.size() || dash < 3) {
    std::fprintf(stderr, "usage: net_bench_run shared NAME ADDR -- cmd... | vnet NAME ADDR/P BRIDGE BRADDR/P -- cmd...\n");
    return 2;
  }
  std::vector<char*> cmd;
  for (int i = static_cast<int>(dash) + 2; i < argc; i++) cmd.push_back(argv[i]);
  cmd.push_back(nullptr);
  conf::JailSpec spec;
  spec.name = args[1];
  if (args[0] == "shared") {
    spec.ip4_addr = {"lo|" + args[2]};
    auto plan = net::plan_network(spec);
    if (!plan) return die(plan.error());
    if (auto r = net::add_addresses(*plan); !r) return die(r.error());
    std::string cg = "/sys/fs/cgroup/unified/" + spec.name;
    mkdir(cg.c_str(), 0755);
    int fd = open(cg.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 1;
    if (auto r = net::attach_socket_hooks(fd, *plan); !r) die(r.error());
    else rc = run(cmd, cg, -1);
    close(fd);
    rmdir(cg.c_str());
    (void)net::remove_addresses(*plan);
    return rc;
  }
  if (args[0] != "vnet" || dash < 5) return 2;
  spec.vnet = conf::NsMode::New;
  spec.ip4 = spec.ip6 = conf::NsMode::Inherit;
  spec.params = {{"x.veth", {"true"}, {}}, {"x.veth.addr", {args[2]}, {}},
                 {"x.bridge", {args[3]}, {}}, {"x.bridge.addr", {args[4]}, {}}};
  auto plan = net::plan_network(spec);
  if (!plan) return die(plan.error());
  int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  unshare(CLONE_NEWNET);
  int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
  setns(self, CLONE_NEWNET);
  int rc = 1;
  if (auto r = net::setup_vnet(ns, *plan); !r) die(r.error());
  else rc = run(cmd, "", ns);
  (void)net::teardown_vnet(ns, *plan);
  close(ns);
  return rc;
}
