// jailctl dataset VERB: the verbs and flags of zfs(8).
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <map>

#include "base/text.h"
#include "cli/jailctl.h"
#include "storage/stream.h"

namespace jails::cli::jailctl {
namespace {

using storage::DatasetName;
using storage::parse_name;

Result<void> operands(const Flags& f, size_t n, const char* usage) {
  if (f.rest.size() != n) return fail("usage: jailctl dataset {}", usage);
  return {};
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string column(const storage::DatasetInfo& d, const std::string& col, bool exact) {
  auto size = [&](uint64_t v) { return exact ? std::to_string(v) : human_size(v); };
  if (col == "name") return d.name;
  if (col == "used") return size(d.used);
  if (col == "refer" || col == "referenced") return size(d.refer);
  if (col == "origin") return d.origin.empty() ? "-" : d.origin;
  if (col == "mountpoint") return d.mountpoint.empty() ? "-" : d.mountpoint;
  if (col == "type") return d.type;
  if (col == "mounted") return d.type == "snapshot" ? "-" : d.mounted ? "yes" : "no";
  if (col == "readonly") return d.type == "snapshot" ? "-" : d.readonly ? "on" : "off";
  if (col == "creation") return std::to_string(d.creation);
  return "?";
}

Result<int> list(storage::Store& store, const Flags& f) {
  auto cols = split(f.value('o', "name,used,refer,origin,mountpoint"), ',');
  for (const auto& c : cols)
    if (column({}, c, true) == "?")
      return fail("list -o: bad property '{}' (name, used, refer, origin, mountpoint, type, mounted, "
                  "readonly, creation)", c);
  std::string type = f.value('t', "filesystem");
  if (type == "snap") type = "snapshot";
  if (type != "filesystem" && type != "snapshot" && type != "all")
    return fail("list -t: bad type '{}' (filesystem, snapshot, all)", type);
  bool space = f.json;
  for (const auto& c : cols) space = space || c == "used" || c == "refer" || c == "referenced";
  auto all = TRY(store.list(space));
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::vector<storage::DatasetInfo> shown;
  for (auto& d : all) {
    bool is_snap = d.type.starts_with("snapshot");
    if (type != "all" && is_snap != (type == "snapshot")) continue;
    if (!f.rest.empty()) {
      auto want = TRY(parse_name(f.rest[0]));
      std::string base = d.name.substr(0, d.name.find('@'));
      if (d.name != want.full() && !(is_snap && !want.is_snapshot() && storage::name_within(base, want.dataset)) &&
          !storage::name_within(d.name, want.dataset))
        continue;
    }
    shown.push_back(std::move(d));
  }
  if (!f.rest.empty() && shown.empty()) return fail("cannot open '{}': dataset does not exist", f.rest[0]);
  if (f.json) {
    auto arr = nlohmann::json::array();
    for (const auto& d : shown) arr.push_back(dataset_json(d));
    std::cout << nlohmann::json{{"datasets", arr}}.dump(1) << "\n";
    return 0;
  }
  std::vector<std::string> header;
  for (const auto& c : cols) header.push_back(upper(c));
  std::vector<std::vector<std::string>> rows;
  for (const auto& d : shown) {
    rows.emplace_back();
    for (const auto& c : cols) rows.back().push_back(column(d, c, f.has('p')));
  }
  std::cout << format_table(header, rows, f.has('H'));
  return 0;
}

Result<int> mount_all(storage::Store& store) {
  for (const auto& d : TRY(store.list(false)))
    if (d.type == "filesystem") TRY(store.mount(TRY(parse_name(d.name, 'd'))));
  return 0;
}

Result<int> set_property(storage::Store& store, const Flags& f) {
  TRY(operands(f, 2, "set readonly=on|off NAME"));
  auto ds = TRY(parse_name(f.rest[1], 'd'));
  const std::string& p = f.rest[0];
  if (p != "readonly=on" && p != "readonly=off")
    return fail("set: property '{}': only readonly=on|off can be set here", p);
  TRY(store.set_readonly(ds, p == "readonly=on"));
  return 0;
}

Result<int> export_to_stdout(storage::Store& store, const Flags& f) {
  TRY(operands(f, 1, "export NAME[@SNAP]"));
  // zfs send: a binary stream is never written to a terminal.
  if (::isatty(1)) return fail("export: refusing to write the stream to a terminal; redirect stdout");
  TRY(storage::export_stream(store, TRY(parse_name(f.rest[0])), 1));
  return 0;
}

}  // namespace

Result<int> dataset_command(const Context& ctx, const Args& args) {
  if (args.empty()) return fail("usage: jailctl dataset VERB ... (see jailctl --help)");
  const std::string& verb = args[0];
  Args rest(args.begin() + 1, args.end());
  static const std::map<std::string, std::pair<std::string, std::string>> flags = {
      {"create", {"p", ""}}, {"snapshot", {"", ""}}, {"clone", {"p", ""}}, {"rollback", {"r", ""}},
      {"destroy", {"r", ""}}, {"rename", {"", ""}}, {"list", {"Hp", "ot"}}, {"export", {"", ""}},
      {"import", {"", ""}}, {"mount", {"a", ""}}, {"unmount", {"", ""}}, {"umount", {"", ""}},
      {"set", {"", ""}}};
  auto it = flags.find(verb);
  if (it == flags.end()) return fail("dataset: unknown verb '{}'", verb);
  Flags f = TRY(parse_flags(rest, it->second.first, it->second.second));
  if (f.json && verb != "list") return fail("dataset {}: --json is for list only", verb);
  // Names are checked before the root is touched: bad input changes nothing.
  for (const auto& operand : f.rest)
    if (verb != "set" || operand.find('=') == std::string::npos) TRY(parse_name(operand));
  auto store = TRY(open_store(ctx));
  if (verb == "create") {
    TRY(operands(f, 1, "create [-p] NAME"));
    TRY(store->create(TRY(parse_name(f.rest[0], 'd')), f.has('p'), nullptr));
  } else if (verb == "snapshot") {
    TRY(operands(f, 1, "snapshot NAME@SNAP"));
    TRY(store->snapshot(TRY(parse_name(f.rest[0], 's'))));
  } else if (verb == "clone") {
    TRY(operands(f, 2, "clone [-p] SNAP NAME"));
    TRY(store->clone(TRY(parse_name(f.rest[0], 's')), TRY(parse_name(f.rest[1], 'd')), f.has('p')));
  } else if (verb == "rollback") {
    TRY(operands(f, 1, "rollback [-r] SNAP"));
    TRY(store->rollback(TRY(parse_name(f.rest[0], 's')), f.has('r')));
  } else if (verb == "destroy") {
    TRY(operands(f, 1, "destroy [-r] NAME"));
    TRY(store->destroy(TRY(parse_name(f.rest[0])), f.has('r')));
  } else if (verb == "rename") {
    TRY(operands(f, 2, "rename OLD NEW"));
    TRY(store->rename(TRY(parse_name(f.rest[0])), TRY(parse_name(f.rest[1]))));
  } else if (verb == "list") {
    return list(*store, f);
  } else if (verb == "export") {
    return export_to_stdout(*store, f);
  } else if (verb == "import") {
    TRY(operands(f, 1, "import NAME < STREAM"));
    TRY(storage::import_stream(*store, TRY(parse_name(f.rest[0], 'd')), 0));
  } else if (verb == "mount") {
    if (f.has('a')) return mount_all(*store);
    TRY(operands(f, 1, "mount [-a | NAME]"));
    TRY(store->mount(TRY(parse_name(f.rest[0], 'd'))));
  } else if (verb == "unmount" || verb == "umount") {
    TRY(operands(f, 1, "unmount NAME"));
    TRY(store->unmount(TRY(parse_name(f.rest[0], 'd'))));
  } else if (verb == "set") {
    return set_property(*store, f);
  }
  return 0;
}

}  // namespace jails::cli::jailctl
