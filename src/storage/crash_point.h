// Fault injection for the crash-consistency tests: JAILCTL_CRASH_AT=<point> makes the
// process kill itself with SIGKILL when it reaches that point, exactly as `kill -9`
// from outside would. Points are named "<verb>:<step>", e.g. "rollback:committed".
#pragma once

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <string_view>

namespace jails::storage {

inline void crash_point(std::string_view point) {
  const char* want = std::getenv("JAILCTL_CRASH_AT");
  if (want && point == want) ::kill(::getpid(), SIGKILL);
}

}  // namespace jails::storage
