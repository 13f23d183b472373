// jail -e SEP: one line per jail, its parameters as jail(8) holds them after expansion.
#pragma once

#include <string>
#include <string_view>

#include "conf/expand.h"

namespace jails::conf {

// FreeBSD print_jail: every parameter but jid, in the jail's order, names as written;
// `name=v1,v2` with values quoted when needed, a parameter without value as its bare name;
// joined by sep; ends with "\n". Works on a jail with an error (unresolved variables are
// simply left out), as FreeBSD's -e does.
std::string exhibit(const JailConf& jail, std::string_view sep);
// Every jail of the configuration, in file order.
std::string exhibit(const Config& config, std::string_view sep);

// FreeBSD quoted_print: "" for an empty value, quotes around a value with a quote, space or
// tab (double quotes unless it holds one), backslash before '\' and the quote character.
std::string quote_value(std::string_view value);

}  // namespace jails::conf
