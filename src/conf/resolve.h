// Resolution: an expanded jail (JailConf) -> the typed, checked JailSpec.
//
// Every parameter is looked up in the table (unknown -> error with the nearest known name),
// its value checked for its type (FreeBSD's messages: `P: unknown boolean value "X"`,
// `P: non-integer value "X"`), refused when its meaning cannot exist on Linux, and the
// defaults are FreeBSD's. Errors read "NAME: FILE:LINE:COL: PARAM: problem".
#pragma once

#include "base/error.h"
#include "conf/expand.h"
#include "conf/jail_spec.h"

namespace jails::conf {

Result<JailSpec> resolve(const JailConf& jail);

}  // namespace jails::conf
