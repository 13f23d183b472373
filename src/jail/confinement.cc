#include "jail/confinement.h"

namespace jails::jail {

// Wired to kernel/confine.h once the confinement layer lands.
Result<Confinement> plan_confinement_for(const conf::JailSpec&, const std::string&) { return Confinement{}; }

int apply_confinement(const Confinement& c, const char** failed_step) noexcept {
  for (const auto& [res, lim] : c.rlimits)
    if (::setrlimit(static_cast<__rlimit_resource>(res), &lim) < 0) {
      *failed_step = "setrlimit";
      return errno;
    }
  return 0;
}

}  // namespace jails::jail
