// Which jails a command acts on, and in which order (FreeBSD's depend handling).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"
#include "conf/expand.h"

namespace jails::conf {

// The jails of `config` that one name selects: its name (or its name=/jid= value), "*" for
// all, or a wildcard such as "foo.*". Empty when nothing matches.
std::vector<size_t> select(const Config& config, const std::string& which);

// The order to create the selected jails in (empty selection = every jail): each jail after
// everything it depends on (`depend`, and the parent of a dotted name), which is pulled in
// even when not selected; otherwise file order. Errors: `"X" not found`,
// `NAME: depends on undefined jail "X"`, `NAME: dependency loop`.
Result<std::vector<size_t>> start_order(const Config& config, const std::vector<std::string>& selection = {});

// The order to remove them in: every jail that depends on a selected one goes first; the
// mirror of start_order over that set.
Result<std::vector<size_t>> stop_order(const Config& config, const std::vector<std::string>& selection = {});

}  // namespace jails::conf
