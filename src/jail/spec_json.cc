#include "jail/spec_json.h"

namespace nlohmann {
template <class T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& v) { j = v ? json(*v) : json(nullptr); }
  static void from_json(const json& j, std::optional<T>& v) {
    v = j.is_null() ? std::nullopt : std::optional<T>(j.get<T>());
  }
};
}  // namespace nlohmann

namespace jails::conf {

NLOHMANN_JSON_SERIALIZE_ENUM(NsMode, {{NsMode::Inherit, "inherit"}, {NsMode::New, "new"}, {NsMode::Disable, "disable"}})

void to_json(nlohmann::json& j, const Loc& l) { j = {l.file, l.line, l.column}; }
void from_json(const nlohmann::json& j, Loc& l) {
  l.file = j.at(0).get<std::string>();
  l.line = j.at(1).get<int>();
  l.column = j.at(2).get<int>();
}
void to_json(nlohmann::json& j, const Param& p) { j = {p.name, p.values}; }
void from_json(const nlohmann::json& j, Param& p) {
  p.name = j.at(0).get<std::string>();
  p.values = j.at(1).get<std::vector<std::string>>();
}

// Every field, by its jail.conf name where it has one.
#define JAILS_SPEC_FIELDS(X)                                                                   \
  X(name) X(jid) X(path) X(depend) X(loc) X(host) X(hostname) X(domainname) X(hostuuid)       \
  X(hostid) X(ip4) X(ip6) X(vnet) X(ip4_addr) X(ip6_addr) X(ip4_saddrsel) X(ip6_saddrsel)     \
  X(interface) X(ip_hostname) X(vnet_interface) X(sysvmsg) X(sysvsem) X(sysvshm)              \
  X(enforce_statfs) X(securelevel) X(devfs_ruleset) X(children_max) X(allow) X(persist)       \
  X(exec_prepare) X(exec_prestart) X(exec_created) X(exec_start) X(command) X(exec_poststart) \
  X(exec_prestop) X(exec_stop) X(exec_poststop) X(exec_release) X(command_is_argv)            \
  X(exec_clean) X(exec_jail_user) X(exec_system_user) X(exec_system_jail_user)                \
  X(exec_timeout) X(exec_consolelog) X(exec_fib) X(stop_timeout) X(mount) X(mount_fstab)      \
  X(mount_devfs) X(mount_fdescfs) X(mount_procfs) X(params)

}  // namespace jails::conf

namespace jails::jail {

nlohmann::json spec_to_json(const conf::JailSpec& s) {
  nlohmann::json j;
#define X(f) j[#f] = s.f;
  JAILS_SPEC_FIELDS(X)
#undef X
  return j;
}

Result<conf::JailSpec> spec_from_json(const nlohmann::json& j) {
  conf::JailSpec s;
  try {
#define X(f) \
  if (j.contains(#f)) j.at(#f).get_to(s.f);
    JAILS_SPEC_FIELDS(X)
#undef X
  } catch (const nlohmann::json::exception& e) {
    return fail("malformed jail parameters in record: {}", e.what());
  }
  return s;
}

}  // namespace jails::jail
