// jail(8)'s command-line jail (form A): `jail -c name=web path=/j persist command=/bin/sh -i`.
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "conf/expand.h"

namespace jails::conf {

// The parameter arguments (after the options). FreeBSD: `command` or `command=X` takes X and
// every later argument verbatim (argv, no shell); ip4.addr=, ip6.addr=, vnet.interface= and
// depend= split on commas; a bare name is boolean true ("nopersist" false); repeating a
// parameter appends to it. Resolve the result with resolve().
Result<JailConf> from_arguments(const std::vector<std::string>& args);

}  // namespace jails::conf
