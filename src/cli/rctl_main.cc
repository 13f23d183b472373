// rctl(8): display and update resource limits of jails.
//
// FreeBSD: usr.bin/rctl/rctl.c. Same flags (-a -l -r -u -h -n), same messages, and
// the exit status is the number of arguments that failed. --libxo json is this
// project's addition (docs/rctl.md).
#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "rctl/output.h"
#include "rctl/rctl.h"

namespace {

using namespace jails::rctl;

struct Options {
  bool a = false, h = false, l = false, n = false, r = false, u = false, json = false;
};

[[noreturn]] void print_usage() {
  std::fputs("usage: rctl [-h] [-n] [--libxo json] [-a rule | -l filter | -r filter | -u filter | filter]\n",
             stderr);
  std::exit(1);
}

void warn(const std::string& what, const std::string& arg, const jails::Error& e) {
  // FreeBSD: grammar errors read "malformed rule 'x': ..." on their own.
  if (e.message.starts_with("malformed rule")) std::fprintf(stderr, "rctl: %s\n", e.what().c_str());
  else std::fprintf(stderr, "rctl: %s '%s': %s\n", what.c_str(), arg.c_str(), e.what().c_str());
}

// --libxo json / --libxo=json, taken out of argv before getopt sees it.
bool take_libxo(int& argc, char** argv) {
  bool json = false;
  int out = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    std::string fmt;
    if (a == "--libxo" && i + 1 < argc) fmt = argv[++i];
    else if (a.starts_with("--libxo=")) fmt = a.substr(8);
    else {
      argv[out++] = argv[i];
      continue;
    }
    if (fmt.find("json") == std::string::npos) {
      std::fprintf(stderr, "rctl: --libxo %s: only the json style is supported\n", fmt.c_str());
      std::exit(1);
    }
    json = true;
  }
  argc = out;
  argv[argc] = nullptr;
  return json;
}

int list(const Options& o, const std::vector<std::string>& filters) {
  int errors = 0;
  std::vector<Rule> all;
  for (const auto& f : filters) {
    auto rules = o.l ? rules_of_process(f) : find_rules(f);
    if (!rules) {
      warn(o.l ? "failed to get limits for" : "failed to show rules for", f, rules.error());
      ++errors;
      continue;
    }
    all.insert(all.end(), rules->begin(), rules->end());
  }
  std::fputs((o.json ? rules_json(all) : rules_text(all, o.h)).c_str(), stdout);
  return errors;
}

int show_usage(const Options& o, const std::vector<std::string>& filters) {
  int errors = 0;
  nlohmann::ordered_json merged;
  for (const auto& f : filters) {
    auto lines = usage(f, std::chrono::milliseconds(250));
    if (!lines) {
      warn("failed to show resource consumption for", f, lines.error());
      ++errors;
      continue;
    }
    if (!o.json) {
      std::fputs(usage_text(*lines, o.h).c_str(), stdout);
      continue;
    }
    auto one = nlohmann::ordered_json::parse(usage_json(f, *lines));
    if (merged.is_null()) merged = one;
    else merged["rctl"]["usage"][f] = one["rctl"]["usage"][f];
  }
  if (o.json && !merged.is_null()) std::printf("%s\n", merged.dump().c_str());
  return errors;
}

int change(const Options& o, const std::vector<std::string>& args) {
  int errors = 0;
  for (const auto& arg : args) {
    auto done = o.a ? add_rule(arg) : remove_rules(arg);
    if (!done) {
      warn(o.a ? "failed to add rule" : "failed to remove rule", arg, done.error());
      ++errors;
    }
  }
  return errors;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  o.json = take_libxo(argc, argv);
  int ch;
  while ((ch = getopt(argc, argv, "ahlnru")) != -1) {
    switch (ch) {
      case 'a': o.a = true; break;
      case 'h': o.h = true; break;
      case 'l': o.l = true; break;
      case 'n': o.n = true; break;  // FreeBSD: numeric uids/gids; jail rules have none
      case 'r': o.r = true; break;
      case 'u': o.u = true; break;
      default: print_usage();
    }
  }
  std::vector<std::string> args(argv + optind, argv + argc);
  if (o.a + o.l + o.r + o.u > 1) {
    std::fputs("rctl: at most one of -a, -l, -r, or -u may be specified\n", stderr);
    return 1;
  }
  if (args.empty()) {
    if (o.a || o.l || o.r || o.u) print_usage();
    args.push_back("::");
  }
  if (o.a || o.r) return change(o, args);
  if (o.u) return show_usage(o, args);
  return list(o, args);
}
