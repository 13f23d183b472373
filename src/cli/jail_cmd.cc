// jail(8): the four synopsis forms (spec 1.1), flags, targets and exit status.
//
// The command line decides the form; each form builds a list of (jail, operation) and
// runs them in dependency order. A failing jail does not stop the others; jails that
// depend on it are skipped. Exit 1 if any jail failed.
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "base/text.h"
#include "cli/jail_targets.h"
#include "conf/arguments.h"
#include "conf/exhibit.h"
#include "conf/load.h"
#include "conf/resolve.h"
#include "jail/lifecycle.h"

using namespace jails;

namespace {

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
               "            -[cmr] param=value ... [command=command ...]\n"
               "       jail [-dqv] [-f file] [-e separator] -[cmr] [jail]\n"
               "       jail [-qv] [-f file] -[rR] ['*' | jail ...]\n"
               "       jail [-dhilqv] [-J jid_file] [-u username] [-U username]\n"
               "            [-n jailname] [-s securelevel]\n"
               "            path hostname [ip[,...]] command ...\n");
  std::exit(1);
}

struct Flags {
  bool c = false, m = false, r = false, R = false;
  const char* exhibit_sep = nullptr;
  std::string conf_file;
  std::vector<std::string> cmdline_params;  // added by -h -l -n -s -u -U
  bool cmdline_only = false;                // one of those was given
  jail::Options opt;
};

Flags parse_flags(int argc, char** argv) {
  Flags f;
  int c;
  while ((c = ::getopt(argc, argv, "+cde:f:hiJ:lmn:p:qrRs:u:U:v")) != -1) {
    switch (c) {
      case 'c': f.c = true; break;
      case 'm': f.m = true; break;
      case 'r': f.r = true; break;
      case 'R': f.R = true; break;
      case 'd': break;  // FreeBSD: deprecated, no effect
      case 'e': f.exhibit_sep = optarg; break;
      case 'f': f.conf_file = optarg; break;
      case 'h': f.cmdline_params.push_back("ip_hostname"); f.cmdline_only = true; break;
      case 'i': f.opt.print_jid = true; f.opt.quiet = true; break;
      case 'J':
        f.opt.jid_file = std::fopen(optarg, "w");
        if (!f.opt.jid_file) {
          std::fprintf(stderr, "jail: %s: %s\n", optarg, std::strerror(errno));
          std::exit(1);
        }
        break;
      case 'l': f.cmdline_params.push_back("exec.clean"); f.cmdline_only = true; break;
      case 'n': f.cmdline_params.push_back(std::string("name=") + optarg); f.cmdline_only = true; break;
      case 'p': break;  // exec.* of different jails run one at a time here: any limit holds
      case 'q': f.opt.quiet = true; break;
      case 's': f.cmdline_params.push_back(std::string("securelevel=") + optarg); f.cmdline_only = true; break;
      case 'u':
        f.cmdline_params.push_back(std::string("exec.jail_user=") + optarg);
        f.cmdline_params.push_back("exec.system_jail_user");
        f.cmdline_only = true;
        break;
      case 'U':
        f.cmdline_params.push_back(std::string("exec.jail_user=") + optarg);
        f.cmdline_params.push_back("exec.nosystem_jail_user");
        f.cmdline_only = true;
        break;
      case 'v': f.opt.verbose = true; break;
      default: usage();
    }
  }
  return f;
}

void report(const std::string& name, const Error& e) {
  std::string msg = e.what();
  // Resolution errors already begin with the jail's name.
  if (!name.empty() && !starts_with(msg, name + ":") && !starts_with(msg, "\""))
    std::fprintf(stderr, "jail: %s: %s\n", name.c_str(), msg.c_str());
  else
    std::fprintf(stderr, "jail: %s\n", msg.c_str());
}

// Form D: jail path hostname ip[,ip...] command ...
std::vector<std::string> legacy_params(const std::vector<std::string>& a) {
  std::vector<std::string> p = {"path=" + a[0], "host.hostname=" + a[1]};
  for (const auto& ip : split(a[2], ',')) {
    if (ip.empty()) continue;
    p.push_back((ip.find(':') != std::string::npos ? "ip6.addr=" : "ip4.addr=") + ip);
  }
  p.push_back("command");
  p.insert(p.end(), a.begin() + 3, a.end());
  return p;
}

int run_cmdline(Flags& f, std::vector<std::string> args) {
  args.insert(args.begin(), f.cmdline_params.begin(), f.cmdline_params.end());
  auto jc = conf::from_arguments(args);
  if (!jc) {
    report("", jc.error());
    return 1;
  }
  Op op{f.c, f.m, f.r};
  return run_targets({Target{*jc, std::nullopt}}, op, f.opt) ? 0 : 1;
}

int run_exhibit(const Flags& f) {
  conf::LoadOptions lo;
  if (!f.conf_file.empty()) lo.conf_file = f.conf_file;
  auto config = conf::load_file(lo.conf_file, lo);
  if (!config) {
    report("", config.error());
    return 1;
  }
  std::fputs(conf::exhibit(*config, f.exhibit_sep).c_str(), stdout);
  return 0;
}

}  // namespace

int jail_main(int argc, char** argv) {
  Flags f = parse_flags(argc, argv);
  std::vector<std::string> args(argv + optind, argv + argc);
  if (f.exhibit_sep && !f.c && !f.m && !f.r && !f.R) return run_exhibit(f);
  if (f.R && (f.c || f.m)) usage();
  if (!f.c && !f.m && !f.r && !f.R) {
    if (args.size() < 4 || args[0].empty() || args[0][0] != '/') usage();
    f.c = true;
    return run_cmdline(f, legacy_params(args));
  }
  bool has_eq = args.size() == 1 && args[0].find('=') != std::string::npos;
  if ((f.c || f.m) && (args.size() > 1 || has_eq)) {
    if (!f.conf_file.empty()) usage();
    return run_cmdline(f, args);
  }
  if (f.cmdline_only) usage();
  if ((f.r || f.R) && !f.c && !f.m) {
    if (args.empty()) usage();
    for (const auto& a : args)
      if (a.find('=') != std::string::npos && !f.R) usage();
    return remove_named(args, f.conf_file, f.R, f.opt) ? 0 : 1;
  }
  // Form B: jails from the configuration file.
  if (args.size() > 1) usage();
  Op op{f.c, f.m, f.r};
  return run_configured(args.empty() ? "" : args[0], f.conf_file, op, f.opt) ? 0 : 1;
}
