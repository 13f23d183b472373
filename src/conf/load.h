// Reading configuration: text, files, stdin, and the per-jail files of rc.d/jail.
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"
#include "conf/expand.h"
#include "conf/parser.h"

namespace jails::conf {

// Parses and expands a whole configuration text. A syntax error fails it all; a problem
// in one jail is kept in that JailConf's error.
Result<Config> parse_text(std::string_view text, const std::string& file, const LoadOptions& opts = {});

// Reads one file ("-" = standard input, named "STDIN" in messages), opts.root prefixed to
// an absolute path.
Result<Config> load_file(const std::string& path, const LoadOptions& opts = {});

// FreeBSD rc.d/jail: opts.conf_file (default /etc/jail.conf), and when NAME is not defined
// there, /etc/jail.conf.d/NAME.conf. Missing files are not an error: the Config returned
// may lack NAME (a running jail may still be named, e.g. for removal).
Result<Config> load_for(const std::string& name, const LoadOptions& opts = {});

}  // namespace jails::conf
