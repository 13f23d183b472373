// jexec(8): run a command in a running jail. The jail is found by name or jid in the
// state records; joining it (cgroups, every namespace through its pid 1's pidfd, its
// confinement, the user's credentials) is jail/attach.h's run_in_jail_here.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string_view>

#include "base/text.h"
#include "cli/jexec_args.h"
#include "jail/attach.h"
#include "jail/lifecycle.h"

namespace jails::cli {
namespace {

constexpr const char* kUsage =
    "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]";

}  // namespace

Result<JexecArgs> parse_jexec_args(const std::vector<std::string>& args) {
  JexecArgs a;
  bool uflag = false, Uflag = false;
  size_t i = 0;
  for (; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      ++i;
      break;
    }
    if (arg.size() < 2 || arg[0] != '-') break;  // FreeBSD's getopt stops at the jail
    for (size_t k = 1; k < arg.size(); ++k) {
      char c = arg[k];
      if (c == 'l') { a.clean = true; continue; }
      if (c == 'n') continue;  // FreeBSD: "Specified name, now unused"
      if (c != 'd' && c != 'u' && c != 'U') return fail("jexec: illegal option -- {}\n{}", c, kUsage);
      std::string value;
      if (k + 1 < arg.size()) value = arg.substr(k + 1);
      else if (i + 1 < args.size()) value = args[++i];
      else return fail("jexec: option requires an argument -- {}\n{}", c, kUsage);
      if (c == 'd') a.dir = value;
      else {
        a.user = value;
        (c == 'u' ? uflag : Uflag) = true;
      }
      break;
    }
  }
  if (i == args.size() || (uflag && Uflag)) return fail("{}", kUsage);
  a.user_from_host = uflag;
  a.jail = args[i];
  a.command.assign(args.begin() + i + 1, args.end());
  return a;
}

namespace {

// The kernel's words for a jail that is not there, as FreeBSD's jail_getid() reports.
std::string not_found(const std::string& key) {
  auto jid = parse_int(key);
  if (jid && key.find_first_not_of("0123456789") == std::string::npos) return fmt::format("jail {} not found", *jid);
  return fmt::format("jail \"{}\" not found", key);
}

// FreeBSD's jexec becomes the command (execvp), so its caller sees the command's own
// wait status. Here the command is our child: exit with its code, or die of its signal.
int pass_on(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    int sig = WTERMSIG(status);
    std::fflush(nullptr);
    ::signal(sig, SIG_DFL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    ::sigprocmask(SIG_UNBLOCK, &set, nullptr);
    ::kill(::getpid(), sig);
    return 128 + sig;  // a signal that does not end us (SIGSTOP never is a WTERMSIG)
  }
  return 1;
}

Result<int> jexec(const JexecArgs& a) {
  auto rec = TRY(jail::find_live(a.jail));
  if (!rec) return fail("{}", not_found(a.jail));
  auto spec = TRY(jail::record_spec(*rec));
  jail::AttachRequest req;
  req.argv = a.command;
  req.user = a.user;
  req.user_from_host = a.user_from_host;
  req.clean_env = a.clean;
  req.dir = a.dir;
  return jail::run_in_jail_here(*rec, spec, req);
}

}  // namespace

}  // namespace jails::cli

int jexec_main(int argc, char** argv) {
  using namespace jails::cli;
  auto args = parse_jexec_args(std::vector<std::string>(argv + (argc > 0), argv + argc));
  if (!args) {
    std::fprintf(stderr, "%s\n", args.error().what().c_str());
    return 1;
  }
  auto status = jexec(*args);
  if (!status) {
    std::fprintf(stderr, "jexec: %s\n", status.error().what().c_str());
    return 1;
  }
  return pass_on(*status);
}
