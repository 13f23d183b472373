#include "jail/confinement.h"

#include "kernel/confine.h"
#include "rctl/rctl.h"

namespace jails::jail {

kernel::ConfineOptions confine_options(const conf::JailSpec& spec) {
  kernel::ConfineOptions o;
  o.allow = spec.allow;
  o.sysvmsg_disabled = spec.sysvmsg == conf::NsMode::Disable;
  o.sysvsem_disabled = spec.sysvsem == conf::NsMode::Disable;
  o.sysvshm_disabled = spec.sysvshm == conf::NsMode::Disable;
  o.enforce_statfs = spec.enforce_statfs;
  o.fdescfs = spec.mount_fdescfs;
  o.uts_namespace = spec.host == conf::NsMode::New;
  return o;
}

Result<Confinement> plan_confinement_for(const conf::JailSpec& spec, const std::string& name) {
  Confinement c;
  c.rlimits = rctl::rlimits_for(name);
  auto plan = TRY_CTX(kernel::plan_confinement(confine_options(spec)), name);
  c.plan = std::make_shared<kernel::ConfinePlan>(std::move(plan));
  return c;
}

int apply_confinement(const Confinement& c, const char** failed_step) noexcept {
  for (const auto& [res, lim] : c.rlimits)
    if (::setrlimit(static_cast<__rlimit_resource>(res), &lim) < 0) {
      *failed_step = "setrlimit";
      return errno;
    }
  if (c.plan) return kernel::apply_confinement(*static_cast<const kernel::ConfinePlan*>(c.plan.get()), failed_step);
  return 0;
}

}  // namespace jails::jail
