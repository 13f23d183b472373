// A JailSpec as JSON, kept in the state record: jexec, jail -r and jail -m of a jail
// made from the command line (no jail.conf) still know its users, hooks and limits.
#pragma once

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "conf/jail_spec.h"

namespace jails::jail {

nlohmann::json spec_to_json(const conf::JailSpec& s);
Result<conf::JailSpec> spec_from_json(const nlohmann::json& j);

}  // namespace jails::jail
