// The jail.conf(5) file `jailctl create` writes: <etc>/jail.conf.d/NAME.conf, the single
// source of truth from which `jail -c NAME` starts the jail.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/error.h"

namespace jails::storage {

struct JailConfFile {
  std::string name;                 // the jail
  std::string path;                 // its root: the clone's mountpoint
  std::string dataset;              // "jails/web"
  std::string origin;               // "templates/base@template"
  std::string prestart;             // a command run before the jail starts, or ""
  // From param=value in order; a bare name ("persist") is a boolean, written "persist;".
  std::vector<std::pair<std::string, std::optional<std::string>>> params;
};

// Checks a jail name: it names a file and a jail.conf block.
Result<void> check_jail_name(const std::string& name);
// Splits "param=value" (or a bare boolean "persist"); refuses a bad parameter name and
// the ones jailctl sets itself.
Result<std::pair<std::string, std::optional<std::string>>> parse_param(const std::string& arg);
// A jail.conf double-quoted string: \ " $ escaped, control characters as \NNN.
std::string quote_conf_value(const std::string& value);
// The file's text (pure).
std::string format_jail_conf(const JailConfFile& f);
// The marker line naming the dataset, read back by `jailctl list` and `destroy`.
std::string dataset_of_conf(const std::string& text);

}  // namespace jails::storage
