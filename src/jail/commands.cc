#include "jail/commands.h"

#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "base/text.h"
#include "jail/attach.h"
#include "jail/passwd.h"
#include "kernel/process.h"

namespace jails::jail {

ParsedCommand parse_command(const std::string& cmd) {
  ParsedCommand out;
  std::string c = std::string(trim(cmd));
  // FreeBSD: a single trailing '&' with no other metacharacter runs it in the background.
  static const std::string meta = "!\"$&'()*;<>?[\\]`{|}~";
  if (!c.empty() && c.back() == '&') {
    std::string rest = std::string(trim(std::string_view(c).substr(0, c.size() - 1)));
    if (rest.find_first_of(meta) == std::string::npos) {
      out.background = true;
      c = rest;
    }
  }
  if (c.find_first_of(meta) != std::string::npos)
    out.argv = {"/bin/sh", "-c", c};
  else
    out.argv = split_blanks(c);
  return out;
}

namespace {

std::vector<std::pair<std::string, std::string>> jail_env(const CommandContext& ctx) {
  return {{"JID", std::to_string(ctx.jid)}, {"JNAME", ctx.spec.name}, {"JPATH", ctx.spec.path}};
}

Result<void> check_status(const CommandContext& ctx, const std::string& cmd, std::optional<int> status) {
  if (!status) return fail("{}: timed out", cmd);
  if (WIFSIGNALED(*status)) return fail("{}: exited on signal {}", cmd, WTERMSIG(*status));
  if (WEXITSTATUS(*status) != 0) return fail("{}: failed", cmd);
  (void)ctx;
  return {};
}

[[noreturn]] void exec_host(const CommandContext& ctx, const ParsedCommand& pc, const std::optional<User>& user) {
  for (const auto& [k, v] : jail_env(ctx)) ::setenv(k.c_str(), v.c_str(), 1);
  if (ctx.spec.exec_clean) {
    const char* term = std::getenv("TERM");
    std::string t = term ? term : "";
    ::clearenv();
    if (!t.empty()) ::setenv("TERM", t.c_str(), 1);
    ::setenv("PATH", "/bin:/usr/bin", 1);
    for (const auto& [k, v] : jail_env(ctx)) ::setenv(k.c_str(), v.c_str(), 1);
  }
  if (user) {
    ::setenv("USER", user->name.c_str(), 1);
    ::setenv("HOME", user->home.c_str(), 1);
    ::setenv("SHELL", user->shell.empty() ? "/bin/sh" : user->shell.c_str(), 1);
    if (::setgroups(user->groups.size(), user->groups.data()) < 0 || ::setgid(user->gid) < 0 ||
        ::setuid(user->uid) < 0) {
      std::perror("jail: exec.system_user");
      std::_Exit(126);
    }
  }
  if (pc.background) ::setsid();
  std::vector<char*> argv;
  for (auto& a : const_cast<std::vector<std::string>&>(pc.argv)) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  std::fprintf(stderr, "jail: %s: execvp: %s: %s\n", ctx.spec.name.c_str(), argv[0], std::strerror(errno));
  std::_Exit(127);
}

}  // namespace

Result<void> run_host_commands(const CommandContext& ctx, const std::vector<std::string>& cmds) {
  std::optional<User> user;
  if (!ctx.spec.exec_system_user.empty()) {
    user = find_host_user(ctx.spec.exec_system_user);
    if (!user) return fail("{}: no such user", ctx.spec.exec_system_user);
  }
  for (const auto& cmd : cmds) {
    ParsedCommand pc = parse_command(cmd);
    if (pc.argv.empty()) continue;
    if (ctx.verbose) std::printf("%s: run command: %s\n", ctx.spec.name.c_str(), cmd.c_str());
    std::fflush(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return sys_fail("fork");
    if (pid == 0) exec_host(ctx, pc, user);
    if (pc.background) continue;
    TRY(check_status(ctx, cmd, TRY(kernel::wait_child(pid, ctx.spec.exec_timeout))));
  }
  return {};
}

Result<void> run_jail_commands(const CommandContext& ctx, const Record& r, const std::vector<std::string>& cmds,
                               bool argv_form) {
  UniqueFd console;
  if (!ctx.spec.exec_consolelog.empty()) {
    console.reset(::open(ctx.spec.exec_consolelog.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0666));
    if (!console) return sys_fail("exec.consolelog: open({})", ctx.spec.exec_consolelog);
  }
  auto run_one = [&](std::vector<std::string> argv, bool background, const std::string& shown) -> Result<void> {
    AttachRequest req;
    req.argv = std::move(argv);
    req.user = ctx.spec.exec_jail_user;
    req.user_from_host = ctx.spec.exec_system_jail_user;
    req.clean_env = ctx.spec.exec_clean;
    req.output_fd = console.get();
    req.env = jail_env(ctx);
    if (ctx.verbose)
      std::printf("%s: run command in jail%s%s: %s\n", ctx.spec.name.c_str(), req.user.empty() ? "" : " as ",
                  req.user.c_str(), shown.c_str());
    std::fflush(nullptr);
    pid_t pid = TRY(spawn_in_jail(r, ctx.spec, req));
    if (background) return {};
    return check_status(ctx, shown, TRY(kernel::wait_child(pid, ctx.spec.exec_timeout)));
  };
  if (argv_form) return cmds.empty() ? Result<void>() : run_one(cmds, false, join(cmds, " "));
  for (const auto& cmd : cmds) {
    ParsedCommand pc = parse_command(cmd);
    if (pc.argv.empty()) continue;
    TRY(run_one(pc.argv, pc.background, cmd));
  }
  return {};
}

}  // namespace jails::jail
