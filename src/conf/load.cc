#include "conf/load.h"

#include <sys/stat.h>

#include <cerrno>
#include <iostream>
#include <iterator>

#include "base/text.h"

namespace jails::conf {
namespace {

bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string rooted(const LoadOptions& opts, const std::string& path) {
  return !path.empty() && path[0] == '/' ? opts.root + path : path;
}

}  // namespace

Result<Config> parse_text(std::string_view text, const std::string& file, const LoadOptions& opts) {
  SyntaxTree tree = TRY(parse_tree(text, file, opts));
  return expand(tree);
}

Result<Config> load_file(const std::string& path, const LoadOptions& opts) {
  if (path == "-") {
    std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
    return parse_text(text, "STDIN", opts);
  }
  errno = 0;
  auto text = read_file(rooted(opts, path));
  if (!text) return errno_fail(errno ? errno : ENOENT, path);
  return parse_text(*text, path, opts);
}

Result<Config> load_for(const std::string& name, const LoadOptions& opts) {
  Config cfg;
  if (opts.conf_file == "-" || exists(rooted(opts, opts.conf_file))) {
    cfg = TRY(load_file(opts.conf_file, opts));
    if (cfg.find(name)) return cfg;
  }
  // FreeBSD rc.d/jail: a jail not in jail.conf may have its own file.
  std::string own = "/etc/jail.conf.d/" + name + ".conf";
  if (name.find('/') != std::string::npos || !exists(rooted(opts, own))) return cfg;
  return load_file(own, opts);
}

}  // namespace jails::conf
