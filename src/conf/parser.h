// jail.conf(5) grammar: tokens -> syntax tree, with `.include` followed.
//
//   conf   := { jail | param ';' | ';' }
//   jail   := STRING '{' conf '}'            (a nested jail "b" in "a" is jail "a.b")
//   param  := name | name '=' value | name '+=' value | name value
//   name   := Str | Var                      (a Var name defines a variable)
//   value  := string { ',' string }
//   string := (Str | Var) { Str1 | Var1 }
//
// FreeBSD: parameters outside any jail belong to ONE global wildcard section that sits
// where the first of them appears; `.include "glob";` (name-value form only) reads files
// relative to the including file's directory, a glob matching nothing is fine, a plain
// file name must exist. Any syntax error fails the whole file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"
#include "conf/jail_spec.h"

namespace jails::conf {

struct VarRef {
  std::string name;
  size_t pos = 0;  // where in RawString::text the value goes
};

// One value string before variable substitution.
struct RawString {
  std::string text;
  std::vector<VarRef> vars;  // in position order
};

struct RawParam {
  std::string name;       // without '$' for a variable
  bool is_var = false;    // "$x = ..." defines a variable
  bool append = false;    // "+="
  bool nameval = false;   // "name value" without '='
  std::vector<RawString> values;
  Loc loc;
};

struct Section {
  std::string name;  // "*" for the global section; "foo.*" etc. for wildcards
  Loc loc;
  std::vector<RawParam> params;
};

struct SyntaxTree {
  std::vector<Section> sections;  // in FreeBSD's order (a section is placed at its name)
};

struct LoadOptions {
  std::string conf_file = "/etc/jail.conf";
  // Prefix for every absolute path read (the config file, includes, jail.conf.d), so tests
  // can use a private tree. Messages name the path without it.
  std::string root;
};

Result<SyntaxTree> parse_tree(std::string_view text, const std::string& file,
                              const LoadOptions& opts = {});

// True if a section name is a wildcard: a whole component is "*" ("*", "foo.*", "*.bar").
bool wild_name(std::string_view name);
// FreeBSD wild_jail_match: "foo.*" matches "foo.bar" and "foo.bar.baz", not "foo".
bool wild_match(std::string_view jail, std::string_view wild);

}  // namespace jails::conf
