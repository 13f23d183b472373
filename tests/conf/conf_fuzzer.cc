// libFuzzer entry (clang only): parse + resolve + exhibit + order on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <string>

#include "conf/config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace jails::conf;
  LoadOptions opts;
  opts.root = "/nonexistent-conf-fuzz-root";
  auto c = parse_text(std::string(reinterpret_cast<const char*>(data), size), "fuzz", opts);
  if (!c) return 0;
  for (const auto& j : c->jails) {
    (void)resolve(j);
    (void)exhibit(j, " ");
  }
  (void)start_order(*c);
  (void)stop_order(*c);
  return 0;
}
