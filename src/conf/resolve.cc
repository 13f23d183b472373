#include "conf/resolve.h"

#include <arpa/inet.h>

#include <algorithm>

#include <fmt/format.h>

#include "base/text.h"
#include "conf/resolve_values.h"

namespace jails::conf {
namespace {

using enum ParamId;

NsMode ns_mode(const std::string& v) {
  return v == "inherit" ? NsMode::Inherit : v == "disable" ? NsMode::Disable : NsMode::New;
}
std::string_view ns_word(NsMode m) {
  return m == NsMode::Inherit ? "inherit" : m == NsMode::Disable ? "disable" : "new";
}

// Non-empty values only: FreeBSD skips an empty command, so `exec.start = "";` disables one.
std::vector<std::string> commands(const Values& v, ParamId id) {
  std::vector<std::string> out;
  for (const auto& s : v[id].values)
    if (!s.empty()) out.push_back(s);
  return out;
}

class Resolver {
 public:
  Resolver(const JailConf& j, const Values& v) : j_(j), v_(v) {}

  Result<JailSpec> run() {
    TRY(identity());
    TRY(uts());
    TRY(network());
    TRY(ipc());
    TRY(security());
    TRY(lifecycle());
    TRY(mounts());
    keyed_buffers();
    fill_params();
    return std::move(s_);
  }

 private:
  std::unexpected<Error> err(ParamId id, std::string_view msg) const {
    const Loc& loc = v_.is_set(id) ? v_[id].loc : j_.loc;
    return jail_error(j_, loc, fmt::format("{}: {}", param_info(id).name, msg));
  }

  Result<void> range(ParamId id, int64_t lo, int64_t hi, int& out) const {
    int64_t n = v_.number(id);
    if (n < lo || n > hi) return err(id, fmt::format("value {} out of range ({} to {})", n, lo, hi));
    out = static_cast<int>(n);
    return {};
  }

  Result<void> identity() {
    TRY(range(jid, 0, 0x7fffffff, s_.jid));
    s_.name = v_.last(name);
    if (s_.name.empty() && s_.jid != 0) s_.name = std::to_string(s_.jid);
    // Linux: a name becomes file and cgroup names; FreeBSD only forbids empty components.
    if (s_.name.find('/') != std::string::npos || s_.name.starts_with('.') || s_.name.ends_with('.') ||
        s_.name.find("..") != std::string::npos)
      return err(name, fmt::format("invalid jail name \"{}\"", s_.name));
    // FreeBSD kern_jail: "name cannot be numeric (unless it is the jid)".
    bool numeric = !s_.name.empty() && s_.name.find_first_not_of("0123456789") == std::string::npos;
    if (numeric && s_.name != std::to_string(s_.jid))
      return err(name, fmt::format("\"{}\": name cannot be numeric (unless it is the jid)", s_.name));
    s_.path = v_.is_set(path) && !v_[path].values.empty() ? v_.last(path) : "/";
    if (s_.path.empty() || s_.path[0] != '/') return err(path, fmt::format("{}: not an absolute pathname", s_.path));
    s_.loc = j_.loc;
    s_.depend = commands(v_, depend);
    for (const auto& d : j_.implied_depend)
      if (std::find(s_.depend.begin(), s_.depend.end(), d) == s_.depend.end()) s_.depend.push_back(d);
    return {};
  }

  Result<void> uts() {
    s_.hostname = v_.last(host_hostname);
    s_.domainname = v_.last(host_domainname);
    s_.host = v_.is_set(host) ? ns_mode(v_.last(host)) : NsMode::New;
    bool any = !s_.hostname.empty() || !s_.domainname.empty();
    if (s_.host == NsMode::Inherit && any) return err(host_hostname, "cannot be set with host=inherit");
    return {};
  }

  Result<void> addresses(ParamId id, int family, std::vector<std::string>& out) {
    for (const auto& a : v_[id].values) {
      if (a.empty()) continue;  // "ip4.addr=" on the command line: no address
      // FreeBSD extension: "IF|ADDR/MASK extra ifconfig words"; the kernel sees ADDR only.
      std::string_view addr = a;
      if (size_t bar = addr.find('|'); bar != std::string_view::npos) addr.remove_prefix(bar + 1);
      addr = addr.substr(0, addr.find_first_of("/ "));
      unsigned char buf[16];
      if (inet_pton(family, std::string(addr).c_str(), buf) != 1)
        return err(id, fmt::format("not an {} address: {}", family == AF_INET ? "IPv4" : "IPv6", a));
      out.push_back(a);
    }
    return {};
  }

  Result<void> network() {
    TRY(addresses(ip4_addr, AF_INET, s_.ip4_addr));
    TRY(addresses(ip6_addr, AF_INET6, s_.ip6_addr));
    s_.ip4 = v_.is_set(ip4) ? ns_mode(v_.last(ip4)) : NsMode::New;
    s_.ip6 = v_.is_set(ip6) ? ns_mode(v_.last(ip6)) : NsMode::New;
    if (!s_.ip4_addr.empty() && s_.ip4 != NsMode::New)
      return err(ip4_addr, fmt::format("cannot be set with ip4={}", ns_word(s_.ip4)));
    if (!s_.ip6_addr.empty() && s_.ip6 != NsMode::New)
      return err(ip6_addr, fmt::format("cannot be set with ip6={}", ns_word(s_.ip6)));
    s_.ip4_saddrsel = v_.flag(ip4_saddrsel);
    s_.ip6_saddrsel = v_.flag(ip6_saddrsel);
    s_.vnet = v_.is_set(vnet) ? ns_mode(v_.last(vnet)) : NsMode::Inherit;
    TRY(vnet_addresses());
    s_.vnet_interface = commands(v_, vnet_interface);
    if (!s_.vnet_interface.empty() && s_.vnet != NsMode::New) return err(vnet_interface, "requires vnet");
    s_.interface = v_.last(interface);
    s_.ip_hostname = v_.flag(ip_hostname);
    return {};
  }

  // FreeBSD kern_jail: a vnet jail owns its stack, so the host restricts nothing; ip4 and
  // ip6 are inherit there.
  Result<void> vnet_addresses() {
    if (s_.vnet != NsMode::New) return {};
    for (ParamId id : {ip4_addr, ip6_addr, ip4, ip6}) {
      bool restricts = (id == ip4_addr || id == ip6_addr) ? !v_[id].values.empty()
                                                         : v_.is_set(id) && v_.last(id) != "inherit";
      if (restricts)
        return jail_error(j_, v_[id].loc,
                          fmt::format("{}: vnet jails cannot have IP address restrictions", param_info(id).name));
    }
    s_.ip4 = s_.ip6 = NsMode::Inherit;
    return {};
  }

  Result<void> ipc() {
    // FreeBSD: allow.sysvipc turns the default of all three into inherit.
    NsMode def = v_.flag(allow_sysvipc) ? NsMode::Inherit : NsMode::Disable;
    auto mode = [&](ParamId id) { return v_.is_set(id) ? ns_mode(v_.last(id)) : def; };
    s_.sysvmsg = mode(sysvmsg), s_.sysvsem = mode(sysvsem), s_.sysvshm = mode(sysvshm);
    // Linux: one IPC namespace holds all three, so "new" and "inherit" cannot be mixed.
    std::vector<std::pair<ParamId, NsMode>> on;
    for (auto [id, m] : {std::pair{sysvmsg, s_.sysvmsg}, {sysvsem, s_.sysvsem}, {sysvshm, s_.sysvshm}})
      if (m != NsMode::Disable) on.emplace_back(id, m);
    for (size_t i = 1; i < on.size(); ++i)
      if (on[i].second != on[0].second)
        return err(on[i].first, fmt::format("{} with {}={}: Linux has one IPC namespace for message queues, "
                                            "semaphores and shared memory", ns_word(on[i].second),
                                            param_info(on[0].first).name, ns_word(on[0].second)));
    return {};
  }

  Result<void> security() {
    TRY(range(enforce_statfs, 0, 2, s_.enforce_statfs));
    TRY(range(securelevel, -1, 3, s_.securelevel));
    TRY(range(devfs_ruleset, 0, 65535, s_.devfs_ruleset));
    TRY(range(children_max, 0, 0x7fffffff, s_.children_max));
    for (const auto& p : all_params())
      if (p.type == ParamType::Bool && p.name.starts_with("allow.")) s_.allow[std::string(p.name)] = v_.flag(p.id);
    return {};
  }

  Result<void> lifecycle() {
    s_.persist = v_.flag(persist);
    s_.exec_prepare = commands(v_, exec_prepare);
    s_.exec_prestart = commands(v_, exec_prestart);
    s_.exec_created = commands(v_, exec_created);
    s_.exec_start = commands(v_, exec_start);
    s_.command = commands(v_, command);
    s_.command_is_argv = j_.from_command_line && !s_.command.empty();
    s_.exec_poststart = commands(v_, exec_poststart);
    s_.exec_prestop = commands(v_, exec_prestop);
    s_.exec_stop = commands(v_, exec_stop);
    s_.exec_poststop = commands(v_, exec_poststop);
    s_.exec_release = commands(v_, exec_release);
    s_.exec_clean = v_.flag(exec_clean);
    s_.exec_jail_user = v_.last(exec_jail_user);
    s_.exec_system_user = v_.last(exec_system_user);
    s_.exec_system_jail_user = v_.flag(exec_system_jail_user);
    TRY(range(exec_timeout, 0, 0x7fffffff, s_.exec_timeout));
    TRY(range(stop_timeout, 0, 0x7fffffff, s_.stop_timeout));
    if (v_.is_set(exec_fib) && !v_[exec_fib].values.empty()) s_.exec_fib = static_cast<int>(v_.number(exec_fib));
    s_.exec_consolelog = v_.last(exec_consolelog);
    if (!s_.exec_consolelog.empty() && s_.exec_consolelog[0] != '/')
      return err(exec_consolelog, fmt::format("{}: not an absolute pathname", s_.exec_consolelog));
    return {};
  }

  Result<void> mounts() {
    for (const auto& line : v_[mount].values) {
      // FreeBSD: an fstab line needs SPEC MNTPT TYPE; an empty one is ignored.
      size_t words = split_blanks(line).size();
      if (words == 0) continue;
      if (words < 3) return err(mount, fmt::format("\"{}\": missing information", line));
      s_.mount.push_back(line);
    }
    s_.mount_fstab = v_.last(mount_fstab);
    s_.mount_devfs = v_.flag(mount_devfs);
    s_.mount_fdescfs = v_.flag(mount_fdescfs);
    s_.mount_procfs = v_.flag(mount_procfs);
    // FreeBSD: these mount below the jail's path, so they need one.
    bool has_path = v_.is_set(path) && !v_[path].values.empty();
    for (auto [id, on] : {std::pair{mount_devfs, s_.mount_devfs}, {mount_fdescfs, s_.mount_fdescfs},
                          {mount_procfs, s_.mount_procfs}})
      if (on && !has_path) return err(id, "no path");
    return {};
  }

  // FreeBSD 15: meta.KEY=value sets a "KEY=value" line, a bare meta.KEY removes it.
  void keyed_buffers() {
    s_.meta = v_.last(meta);
    s_.env = v_.last(env);
    for (const auto& e : v_.edits) {
      std::string& buf = e.target == meta ? s_.meta : s_.env;
      std::vector<std::string> kept;
      for (auto& l : split(buf, '\n'))
        if (!l.empty() && !l.starts_with(e.key + "=")) kept.push_back(l);
      if (e.value) kept.push_back(e.key + "=" + *e.value);
      buf = kept.empty() ? "" : join(kept, "\n") + "\n";
    }
  }

  // Values not in Values that the checks above settled (effective jailsys modes, buffers).
  std::vector<std::string> effective(const ParamInfo& p) const {
    switch (p.id) {
      case host: return {std::string(ns_word(s_.host))};
      case ip4: return {std::string(ns_word(s_.ip4))};
      case ip6: return {std::string(ns_word(s_.ip6))};
      case vnet: return {std::string(ns_word(s_.vnet))};
      case sysvmsg: return {std::string(ns_word(s_.sysvmsg))};
      case sysvsem: return {std::string(ns_word(s_.sysvsem))};
      case sysvshm: return {std::string(ns_word(s_.sysvshm))};
      case name: return s_.name.empty() ? std::vector<std::string>{} : std::vector<std::string>{s_.name};
      case path: return {s_.path};
      case meta: return s_.meta.empty() ? std::vector<std::string>{} : std::vector<std::string>{s_.meta};
      case env: return s_.env.empty() ? std::vector<std::string>{} : std::vector<std::string>{s_.env};
      case depend: return s_.depend;
      default: break;
    }
    if (v_.is_set(p.id)) return v_[p.id].values;
    if (p.kind == ParamKind::Kernel && !p.def.empty()) return {std::string(p.def)};
    return {};
  }

  // Table order, canonical names; kernel parameters always (known defaults included),
  // pseudo-parameters when they have a value.
  void fill_params() {
    for (const auto& p : all_params()) {
      if (p.kind == ParamKind::ReadOnly) continue;
      if (p.id == jid && s_.jid == 0) continue;
      auto vals = effective(p);
      if (vals.empty()) continue;
      const Loc& loc = v_.is_set(p.id) ? v_[p.id].loc : j_.loc;
      s_.params.push_back(Param{std::string(p.name), std::move(vals), loc});
    }
  }

  const JailConf& j_;
  const Values& v_;
  JailSpec s_;
};

}  // namespace

Result<JailSpec> resolve(const JailConf& jail) {
  if (jail.error) return std::unexpected(*jail.error);
  Values v = TRY(check_values(jail));
  return Resolver(jail, v).run();
}

}  // namespace jails::conf
