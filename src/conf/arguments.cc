#include "conf/arguments.h"

#include "base/text.h"

namespace jails::conf {

Result<JailConf> from_arguments(const std::vector<std::string>& args) {
  Loc loc{"command line", 0, 0};
  std::vector<RawParam> params;
  auto add = [&](std::string name, std::vector<std::string> values) {
    RawParam p;
    p.name = std::move(name);
    p.append = true;
    p.loc = loc;
    for (auto& v : values) p.values.push_back(RawString{std::move(v), {}});
    params.push_back(std::move(p));
  };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "command" || a.starts_with("command=")) {
      std::vector<std::string> argv;
      if (a.size() > 7) argv.push_back(a.substr(8));
      argv.insert(argv.end(), args.begin() + i + 1, args.end());
      add("command", std::move(argv));
      break;
    }
    size_t eq = a.find('=');
    if (eq == std::string::npos) {
      add(a, {});
      continue;
    }
    std::string name = a.substr(0, eq), value = a.substr(eq + 1);
    bool list = name == "ip4.addr" || name == "ip6.addr" || name == "vnet.interface" || name == "depend";
    add(name, list ? split(value, ',') : std::vector<std::string>{value});
  }
  JailConf out = expand_params(params, loc);
  if (out.error) return std::unexpected(*out.error);
  return out;
}

}  // namespace jails::conf
