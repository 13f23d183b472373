// Per-jail expansion (FreeBSD's load_config): wildcard and global sections merged around
// the jail's own section in file order, then variables substituted.
//
// FreeBSD order, exactly: the implied name (or jid, for an all-digit section name); every
// wildcard section in file order, with the jail's own section merged at its own position;
// the name backfilled when only a jid was implied; then each parameter's $variables,
// recursively, where a variable may name a $variable or any parameter. "=" replaces,
// "+=" appends, a bare name clears a list; "allow.mount" and "allow.nomount" are one
// parameter (the later spelling wins). Variables are dropped afterwards.
//
// A problem in one jail (variable not found, loop, array inline, redefined name) fails only
// that jail: it stays in the Config, with its error and whatever could be expanded.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"
#include "conf/parser.h"

namespace jails::conf {

struct JailConf {
  std::string name;  // the section name ("web", "12", "foo.bar"), or from name=/jid= on argv
  Loc loc;
  std::vector<Param> params;  // merged and substituted, in FreeBSD's order; names as written
  std::optional<Error> error; // "web: /etc/jail.conf:4:3: host.hostname: variable "h" not found"
  std::vector<std::string> implied_depend;  // the parent of a dotted name, if it is defined
  bool from_command_line = false;           // command= came from argv (exec, no shell)

  const Param* find(std::string_view param_name) const;
};

struct Config {
  std::vector<JailConf> jails;  // non-wildcard jails, in file order

  const JailConf* find(std::string_view name) const;
};

// Expands every non-wildcard section of a parsed file.
Config expand(const SyntaxTree& tree);

// FreeBSD equalopts: the same parameter up to a "no" on one component.
bool same_param(std::string_view a, std::string_view b);

// Expands one list of parameters given in order, as jail(8) does for its command line:
// no implied name, every parameter appends. The result's name is its name= or jid= value.
JailConf expand_params(const std::vector<RawParam>& params, const Loc& loc);

}  // namespace jails::conf
