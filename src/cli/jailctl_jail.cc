// The jail-level verbs on top of datasets, as a jail manager's user expects them:
//   template NAME --from SOURCE   dataset templates/NAME, filled, read-only, @template
//   create NAME --from T[@S] ...  clone to jails/NAME + <etc>/jail.conf.d/NAME.conf
//   destroy NAME                  both, once the jail is stopped
//   list                          jails with dataset, origin, space and state
#include <dirent.h>
#include <unistd.h>

#include <iostream>
#include <map>
#include <set>

#include "base/text.h"
#include "cli/jailctl.h"
#include "jail/record.h"
#include "storage/fs_tree.h"
#include "storage/jail_conf_file.h"
#include "storage/template_source.h"

namespace jails::cli::jailctl {
namespace {

using storage::DatasetName;

constexpr const char* kTemplates = "templates/";
constexpr const char* kJails = "jails/";

std::string conf_path(const Context& ctx, const std::string& name) {
  return ctx.etc + "/jail.conf.d/" + name + ".conf";
}

// "--from X" anywhere in args: returns X and removes both words.
Result<std::string> take_from(Args& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] != "--from") continue;
    if (i + 1 >= args.size()) return fail("--from: needs a value");
    std::string v = args[i + 1];
    args.erase(args.begin() + i, args.begin() + i + 2);
    return v;
  }
  return fail("--from SOURCE is required");
}

// TEMPLATE[@SNAP]: a bare name is templates/NAME; without @SNAP, @template if it exists,
// else the newest snapshot.
Result<DatasetName> resolve_template(storage::Store& store, const std::string& from) {
  auto name = TRY(storage::parse_name(from));
  if (name.dataset.find('/') == std::string::npos) name.dataset = kTemplates + name.dataset;
  if (name.is_snapshot()) return name;
  std::string newest;
  int64_t newest_time = -1;
  for (const auto& d : TRY(store.list(false))) {
    if (d.type != "snapshot" || d.name.substr(0, d.name.find('@')) != name.dataset) continue;
    if (d.name == name.dataset + "@template") return TRY(storage::parse_name(d.name, 's'));
    if (d.creation >= newest_time) newest = d.name, newest_time = d.creation;
  }
  if (newest.empty()) return fail("template '{}': no such template or it has no snapshot", from);
  return storage::parse_name(newest, 's');
}

struct JailRow {
  std::string name, dataset, origin, path, state = "stopped";
  int jid = 0;
  uint64_t used = 0;
  bool has_conf = false, has_dataset = false;
};

}  // namespace

Result<int> template_command(const Context& ctx, const Args& in) {
  Args args = in;
  std::string source = TRY(take_from(args));
  if (args.size() != 1) return fail("usage: jailctl template NAME --from SOURCE");
  TRY(storage::check_jail_name(args[0]));
  auto ds = TRY(storage::parse_name(kTemplates + args[0], 'd'));
  auto populate = TRY(storage::template_source(source));
  auto store = TRY(open_store(ctx));
  TRY(store->create(ds, true, populate));
  TRY(store->set_readonly(ds, true));
  TRY(store->snapshot(DatasetName{ds.dataset, "template"}));
  std::cout << ds.dataset << "@template\n";
  return 0;
}

Result<int> create_command(const Context& ctx, const Args& in) {
  Args args = in;
  std::string from = TRY(take_from(args));
  if (args.empty()) return fail("usage: jailctl create NAME --from TEMPLATE[@SNAP] [param=value ...]");
  storage::JailConfFile conf;
  conf.name = args[0];
  TRY(storage::check_jail_name(conf.name));
  for (size_t i = 1; i < args.size(); ++i) conf.params.push_back(TRY(storage::parse_param(args[i])));
  std::string file = conf_path(ctx, conf.name);
  if (storage::path_exists(file)) return fail("create {}: {} already exists", conf.name, file);
  auto store = TRY(open_store(ctx));
  auto snap = TRY(resolve_template(*store, from));
  auto ds = TRY(storage::parse_name(kJails + conf.name, 'd'));
  TRY(store->clone(snap, ds, true));
  conf.dataset = ds.dataset;
  conf.origin = snap.full();
  conf.path = store->mountpoint(ds);
  // Linux: overlay mounts do not survive a reboot; the jail mounts its dataset first.
  if (store->backend() == "overlay" || store->backend() == "zfs")
    conf.prestart = fmt::format("{} --root {} dataset mount {}", ctx.self, ctx.store.root, ds.dataset);
  auto written = storage::make_dirs(ctx.etc + "/jail.conf.d");
  if (written) written = storage::write_file_atomic(file, storage::format_jail_conf(conf));
  if (!written) {
    (void)store->destroy(ds, true);  // undo the clone: the conf is the jail's existence
    return std::unexpected(std::move(written).error().context("create " + conf.name));
  }
  std::cout << conf.name << ": created on " << ds.dataset << " (" << conf.path << ")\n";
  return 0;
}

Result<int> destroy_command(const Context& ctx, const Args& args) {
  if (args.size() != 1) return fail("usage: jailctl destroy NAME");
  const std::string& name = args[0];
  TRY(storage::check_jail_name(name));
  if (auto rec = TRY(jail::find_record(name)); rec && jail::init_alive(*rec))
    return fail("destroy {}: the jail is running (jid {}); stop it first with jail -r {}", name, rec->jid, name);
  std::string file = conf_path(ctx, name);
  auto text = read_file(file);
  if (text && storage::dataset_of_conf(*text).empty())
    return fail("destroy {}: {} was not written by jailctl; refusing to remove it", name, file);
  auto store = TRY(open_store(ctx));
  std::string dataset = text ? storage::dataset_of_conf(*text) : kJails + name;
  auto ds = TRY(storage::parse_name(dataset, 'd'));
  bool had_dataset = false;
  for (const auto& d : TRY(store->list(false)))
    if (d.name == ds.dataset) had_dataset = true;
  if (!had_dataset && !text) return fail("destroy {}: no such jail (no {} and no dataset {})", name, file, dataset);
  if (had_dataset) TRY(store->destroy(ds, true));
  if (text && ::unlink(file.c_str()) != 0 && errno != ENOENT) return sys_fail("unlink({})", file);
  std::cout << name << ": destroyed\n";
  return 0;
}

Result<int> list_command(const Context& ctx, const Args& args) {
  Flags f = TRY(parse_flags(args, "H", ""));
  std::map<std::string, JailRow> rows;
  if (DIR* d = ::opendir((ctx.etc + "/jail.conf.d").c_str())) {
    while (auto* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (!n.ends_with(".conf")) continue;
      auto text = read_file(ctx.etc + "/jail.conf.d/" + n);
      if (!text || storage::dataset_of_conf(*text).empty()) continue;
      auto& r = rows[n.substr(0, n.size() - 5)];
      r.dataset = storage::dataset_of_conf(*text);
      r.has_conf = true;
    }
    ::closedir(d);
  }
  auto store = TRY(open_store(ctx));
  for (const auto& d : TRY(store->list())) {
    if (d.type != "filesystem" || !d.name.starts_with(kJails)) continue;
    auto& r = rows[d.name.substr(std::string(kJails).size())];
    r.dataset = d.name, r.origin = d.origin, r.path = d.mountpoint, r.used = d.used;
    r.has_dataset = true;
  }
  for (const auto& rec : TRY(jail::list_records()))
    if (auto it = rows.find(rec.name); it != rows.end() && jail::init_alive(rec))
      it->second.state = "running", it->second.jid = rec.jid;
  for (auto& [name, r] : rows) {
    r.name = name;
    // A crash between the clone and the conf leaves one without the other: shown, so
    // `jailctl destroy` can remove it.
    if (!r.has_conf) r.state = "no-conf";
    if (!r.has_dataset) r.state = "no-dataset";
  }
  if (f.json) {
    auto arr = nlohmann::json::array();
    for (const auto& [name, r] : rows)
      arr.push_back({{"name", name}, {"state", r.state}, {"jid", r.jid ? nlohmann::json(r.jid) : nlohmann::json()},
                     {"dataset", r.dataset}, {"origin", r.origin}, {"used", r.used}, {"path", r.path}});
    std::cout << nlohmann::json{{"jails", arr}}.dump(1) << "\n";
    return 0;
  }
  std::vector<std::vector<std::string>> table;
  for (const auto& [name, r] : rows)
    table.push_back({name, r.state, r.jid ? std::to_string(r.jid) : "-", r.dataset,
                     r.origin.empty() ? "-" : r.origin, human_size(r.used), r.path.empty() ? "-" : r.path});
  std::cout << format_table({"NAME", "STATE", "JID", "DATASET", "ORIGIN", "USED", "PATH"}, table, f.has('H'));
  return 0;
}

}  // namespace jails::cli::jailctl
