// jailctl [--root DIR] [--backend B] [--zfs-parent DS] [--etc DIR] VERB ...
//
// Settings, strongest first: flags, environment (JAILCTL_ROOT, JAILCTL_BACKEND,
// JAILCTL_ZFS_PARENT, JAILCTL_ETC), <etc>/jailctl.conf ("root = /var/lib/jail" lines),
// defaults. Exit status: 0 success, 1 failure, 2 usage error (as zfs(8)).
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <iostream>

#include "base/text.h"
#include "cli/jailctl.h"
#include "jail/record.h"

namespace jails::cli::jailctl {
namespace {

constexpr const char* kUsage =
    "usage: jailctl [--root DIR] [--backend btrfs|overlay|directory|zfs] [--zfs-parent DATASET]\n"
    "               [--etc DIR] COMMAND ...\n"
    "  jailctl template NAME --from DIR|ARCHIVE|busybox[:PATH]|debootstrap:SUITE[:MIRROR]\n"
    "  jailctl create NAME --from TEMPLATE[@SNAP] [param=value ...]\n"
    "  jailctl destroy NAME\n"
    "  jailctl list [-H] [--json]\n"
    "  jailctl dataset create [-p] NAME | snapshot NAME@SNAP | clone [-p] SNAP NAME\n"
    "  jailctl dataset rollback [-r] SNAP | destroy [-r] NAME | rename OLD NEW\n"
    "  jailctl dataset list [-H] [-p] [-o COLS] [-t filesystem|snapshot|all] [--json] [NAME]\n"
    "  jailctl dataset export NAME[@SNAP] > STREAM | import NAME < STREAM\n"
    "  jailctl dataset mount [-a | NAME] | unmount NAME | set readonly=on|off NAME\n";

// <etc>/jailctl.conf: "key = value" lines, '#' comments.
Result<void> read_config(Context& ctx, const std::string& file) {
  auto text = read_file(file);
  if (!text) {
    if (errno == ENOENT) return {};
    return sys_fail("read({})", file);
  }
  int lineno = 0;
  for (const auto& raw : split(*text, '\n')) {
    ++lineno;
    std::string_view line = trim(raw.substr(0, raw.find('#')));
    if (line.empty()) continue;
    auto eq = line.find('=');
    if (eq == std::string_view::npos) return fail("{}:{}: expected key = value", file, lineno);
    std::string key(trim(line.substr(0, eq))), value(trim(line.substr(eq + 1)));
    if (key == "root") ctx.store.root = value;
    else if (key == "backend") ctx.store.backend = value;
    else if (key == "zfs_parent") ctx.store.zfs_parent = value;
    else return fail("{}:{}: unknown setting '{}' (root, backend, zfs_parent)", file, lineno, key);
  }
  return {};
}

void from_env(std::string& setting, const char* var) {
  if (const char* v = std::getenv(var); v && *v) setting = v;
}

std::string self_path() {
  char buf[4096];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  return n > 0 ? std::string(buf, n) : "jailctl";
}

Result<int> run(Args args) {
  Context ctx;
  ctx.self = self_path();
  from_env(ctx.etc, "JAILCTL_ETC");
  Args rest;
  std::string root, backend, zfs_parent;
  size_t i = 0;
  for (; i < args.size() && starts_with(args[i], "--"); ++i) {
    auto take = [&](std::string& into) -> Result<void> {
      if (i + 1 >= args.size()) return fail("option {}: needs a value", args[i]);
      into = args[++i];
      return {};
    };
    if (args[i] == "--root") TRY(take(root));
    else if (args[i] == "--backend") TRY(take(backend));
    else if (args[i] == "--zfs-parent") TRY(take(zfs_parent));
    else if (args[i] == "--etc") TRY(take(ctx.etc));
    else if (args[i] == "--help") {
      std::cout << kUsage;
      return 0;
    } else return fail("unknown option {}\n{}", args[i], kUsage);
  }
  TRY(read_config(ctx, ctx.etc + "/jailctl.conf"));
  from_env(ctx.store.root, "JAILCTL_ROOT");
  from_env(ctx.store.backend, "JAILCTL_BACKEND");
  from_env(ctx.store.zfs_parent, "JAILCTL_ZFS_PARENT");
  if (!root.empty()) ctx.store.root = root;
  if (!backend.empty()) ctx.store.backend = backend;
  if (!zfs_parent.empty()) ctx.store.zfs_parent = zfs_parent;
  ctx.store.in_use = refuse_if_jail_running;
  if (i >= args.size()) {
    std::cerr << kUsage;
    return 2;
  }
  std::string verb = args[i];
  rest.assign(args.begin() + i + 1, args.end());
  if (verb == "dataset") return dataset_command(ctx, rest);
  if (verb == "template") return template_command(ctx, rest);
  if (verb == "create") return create_command(ctx, rest);
  if (verb == "destroy") return destroy_command(ctx, rest);
  if (verb == "list") return list_command(ctx, rest);
  std::cerr << "jailctl: unknown command '" << verb << "'\n" << kUsage;
  return 2;
}

bool path_within(const std::string& inner, const std::string& outer) {
  return inner == outer || (inner.size() > outer.size() && inner.compare(0, outer.size(), outer) == 0 &&
                            inner[outer.size()] == '/');
}

std::string canonical(const std::string& p) {
  char buf[PATH_MAX];
  return ::realpath(p.c_str(), buf) ? std::string(buf) : p;
}

}  // namespace

Result<std::unique_ptr<storage::Store>> open_store(const Context& ctx) {
  return storage::open_store(ctx.store);
}

Result<void> refuse_if_jail_running(const std::string& dataset, const std::string& mountpoint) {
  if (mountpoint.empty()) return {};
  std::string mp = canonical(mountpoint);
  for (const auto& r : TRY(jail::list_records())) {
    if (!jail::init_alive(r)) continue;
    std::string root = canonical(r.path);
    if (path_within(root, mp))
      return fail("jail {} (jid {}) is running on {} (dataset {}); stop it first with jail -r {}",
                  r.name, r.jid, r.path, dataset, r.name);
  }
  return {};
}

}  // namespace jails::cli::jailctl

int main(int argc, char** argv) {
  auto start = std::chrono::steady_clock::now();
  jails::cli::jailctl::Args args(argv + 1, argv + argc);
  auto r = jails::cli::jailctl::run(std::move(args));
  // For bench/storage.sh: the verb's own time, without process start-up and exit.
  if (std::getenv("JAILCTL_TIMING"))
    std::cerr << fmt::format("jailctl: time {:.2f} ms\n",
                             std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  if (!r) {
    std::cerr << "jailctl: " << r.error().what() << "\n";
    return 1;
  }
  return *r;
}
