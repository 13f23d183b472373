#include "jail/host_steps.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "base/text.h"
#include "kernel/cgroup.h"
#include "rctl/rctl.h"
#include "kernel/process.h"

namespace jails::jail {

namespace {

nlohmann::json mounts_json(const std::vector<kernel::FstabEntry>& m) {
  auto j = nlohmann::json::array();
  for (const auto& e : m) j.push_back({e.spec, e.mntpt, e.type, e.opts});
  return j;
}

std::vector<kernel::FstabEntry> mounts_from(const nlohmann::json& j) {
  std::vector<kernel::FstabEntry> out;
  if (!j.is_array()) return out;
  for (const auto& e : j)
    if (e.is_array() && e.size() == 4)
      out.push_back({e[0].get<std::string>(), e[1].get<std::string>(), e[2].get<std::string>(), e[3].get<std::string>()});
  return out;
}

Result<void> mount_lines(JailRun& run, const std::vector<std::string>& lines, const std::string& what,
                         bool numbered) {
  int n = 0;
  for (const auto& line : lines) {
    ++n;
    std::string where = numbered ? fmt::format("{} line {}", what, n) : what;
    auto e = TRY_CTX(kernel::parse_fstab_line(line), where);
    if (!e) continue;
    if (run.opt.verbose) std::printf("%s: mount -t %s %s %s\n", run.spec.name.c_str(), e->type.c_str(), e->spec.c_str(), e->mntpt.c_str());
    std::string target = TRY_CTX(kernel::mount_entry(*e, run.spec.path), where);
    run.mounted.push_back(*e);
    run.mounted.back().mntpt = target;
    TRY(save(run));
  }
  return {};
}

Result<std::vector<std::string>> fstab_lines(const std::string& file) {
  std::ifstream in(file);
  if (!in) return sys_fail("mount.fstab: open({})", file);
  std::vector<std::string> lines;
  std::string l;
  while (std::getline(in, l)) lines.push_back(l);
  return lines;
}

// Unmounts, newest first, the mounts of `run.mounted` from index `from` on.
Result<void> unmount_from(JailRun& run, size_t from) {
  std::optional<Error> first;
  while (run.mounted.size() > from) {
    auto& e = run.mounted.back();
    if (run.opt.verbose) std::printf("%s: umount %s\n", run.spec.name.c_str(), e.mntpt.c_str());
    if (auto r = kernel::unmount_entry(e); !r && !first) first = r.error();
    run.mounted.pop_back();
    TRY(save(run));
  }
  if (first) return std::unexpected(*first);
  return {};
}

}  // namespace

Result<void> save(JailRun& run) {
  run.rec.extra["mounted"] = mounts_json(run.mounted);
  return write_record(run.rec);
}

namespace {

// The jail's network plan, made once; an address another live jail has is refused.
Result<net::NetPlan*> net_plan(JailRun& run) {
  if (run.net) return &*run.net;
  auto plan = TRY_CTX(net::plan_network(run.spec), run.spec.name);
  if (run.spec.ip_hostname)
    TRY_CTX(net::add_hostname_addresses(plan, run.spec.hostname), run.spec.name);
  for (const auto& r : TRY(list_records())) {
    if (r.name == run.spec.name || !init_alive(r)) continue;
    for (const char* p : {"ip4.addr", "ip6.addr"})
      if (const auto* list = r.param_list(p)) TRY_CTX(net::check_address_free(plan, r.name, *list), run.spec.name);
  }
  run.net = std::move(plan);
  // jls shows what FreeBSD's kernel holds: the addresses alone, canonical.
  for (auto& [name, values] : run.rec.params) {
    if (name == "ip4.addr") values = run.net->canonical(AF_INET);
    if (name == "ip6.addr") values = run.net->canonical(AF_INET6);
  }
  return &*run.net;
}

// What the net layer made goes into the record at once (a killed jail -c leaves it there).
Result<void> save_net(JailRun& run, Result<void> step) {
  run.rec.extra["net"] = net::undo_state(*run.net);
  TRY(save(run));
  return step;
}

}  // namespace

Result<void> add_addresses(JailRun& run) {
  auto* plan = TRY(net_plan(run));
  return save_net(run, net::add_addresses(*plan));
}

// Undoes everything the net layer made on the host (aliases, veth, bridge, nft rules), from
// the plan when jail -c rolls back, from the record when jail -r runs.
Result<void> remove_addresses(JailRun& run) {
  auto state = run.net ? net::undo_state(*run.net) : run.rec.extra.value("net", nlohmann::json());
  return net::cleanup(state);
}

Result<void> vnet_interfaces(JailRun& run) {
  if (run.spec.vnet != conf::NsMode::New) return {};
  auto* plan = TRY(net_plan(run));
  std::string path = fmt::format("/proc/{}/ns/net", run.rec.init_pid);
  UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns) return sys_fail("{}: vnet: open({})", run.spec.name, path);
  return save_net(run, net::setup_vnet(ns.get(), *plan));
}

Result<void> mount_list(JailRun& run) { return mount_lines(run, run.spec.mount, "mount", false); }

Result<void> unmount_list(JailRun& run) { return unmount_from(run, 0); }

Result<void> mount_fstab(JailRun& run) {
  if (run.spec.mount_fstab.empty()) return {};
  run.fstab_start = run.mounted.size();
  return mount_lines(run, TRY(fstab_lines(run.spec.mount_fstab)), "mount.fstab", true);
}

Result<void> unmount_fstab(JailRun& run) { return unmount_from(run, run.fstab_start); }

Result<void> run_hooks_in_cgroup(JailRun& run) {
  // rctl.conf's rules before anything runs in the jail (and before exec.created's rctl -a).
  TRY(rctl::apply_config_rules(run.spec.name, run.rec.jid));
  auto* plan = TRY(net_plan(run));
  if (!plan->needs_hooks()) return {};
  const auto* v2 = kernel::cgroup_layout().v2();
  if (!v2) return fail("{}: ip4/ip6 restrictions need the cgroup2 mount (socket hooks)", run.spec.name);
  std::string dir = v2->root + "/" + run.rec.cgroup;
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!fd) return sys_fail("{}: open({})", run.spec.name, dir);
  return net::attach_socket_hooks(fd.get(), *plan);
}

Result<void> kill_init(JailRun& run) {
  if (run.rec.init_pid <= 0) return {};
  if (!run.init_pidfd) {
    auto fd = kernel::pidfd_open(run.rec.init_pid);
    if (!fd) return {};  // already gone
    run.init_pidfd = std::move(*fd);
    if (process_start_time(run.rec.init_pid) != run.rec.init_start) return {};  // not ours
  }
  // pidfd_send_signal: no race with a reused pid.
  if (::syscall(SYS_pidfd_send_signal, run.init_pidfd.get(), SIGKILL, nullptr, 0) < 0 && errno != ESRCH)
    return sys_fail("pidfd_send_signal({}, SIGKILL)", run.rec.init_pid);
  TRY(kernel::wait_exit(run.init_pidfd.get(), 10000));
  ::waitpid(run.rec.init_pid, nullptr, WNOHANG);  // ours if jail -c started it
  return {};
}

Result<void> undo_record(const Record& r) {
  conf::JailSpec spec;
  spec.name = r.name;
  spec.path = r.path;
  Options opt;
  JailRun run{spec, opt, r, {}, false, mounts_from(r.extra.value("mounted", nlohmann::json())), 0};
  std::optional<Error> first;
  auto keep = [&](Result<void> x) {
    if (!x && !first) first = x.error();
  };
  keep(kill_init(run));
  keep(kernel::cgroup_destroy(r.cgroup.empty() ? kernel::jail_cgroup(r.name) : r.cgroup));
  keep(unmount_from(run, 0));
  keep(net::cleanup(r.extra.value("net", nlohmann::json())));
  if (first) return std::unexpected(*first);
  rctl::forget_jail(r.name);
  return remove_record(r.name);
}

Result<void> reap_if_stale_locked(const Record& r) {
  if (init_alive(r)) return {};
  return undo_record(r);
}

void write_jid_file_line(std::FILE* f, const Record& r) {
  std::string line = fmt::format("jid={}", r.jid);
  for (const auto& [k, v] : r.params) {
    std::string val = join(v, ",");
    bool quote = val.empty() || val.find_first_of(" \t\"'\\") != std::string::npos;
    line += "\t" + k + "=" + (quote ? "\"" + val + "\"" : val);
  }
  std::fprintf(f, "%s\n", line.c_str());
  std::fflush(f);
}

}  // namespace jails::jail
