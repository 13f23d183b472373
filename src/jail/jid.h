// Jail IDs, allocated as FreeBSD does: the one after the last allocated, skipping those
// in use, wrapping at JAIL_MAX (999999). The last one lives in <state>/.lastjid, so
// allocation needs no daemon; a lock on ".jid" serialises concurrent jail -c.
#pragma once

#include "base/error.h"

namespace jails::jail {

// `wanted` > 0: that jid, if free ("jid N already exists" otherwise).
Result<int> allocate_jid(int wanted);

}  // namespace jails::jail
