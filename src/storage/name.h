// Dataset names, shaped like ZFS's: "jails/web" for a dataset, "jails/web@snap" for a
// snapshot. A name is a path under the dataset root, so it is checked before anything
// else touches the filesystem: no "..", no "/" at either end, no empty parts, no
// component starting with "." (the root's own ".jailctl" directory lives there).
#pragma once

#include <string>
#include <string_view>

#include "base/error.h"

namespace jails::storage {

struct DatasetName {
  std::string dataset;  // "jails/web"
  std::string snapshot; // "snap" or "" for the dataset itself

  bool is_snapshot() const { return !snapshot.empty(); }
  std::string full() const { return snapshot.empty() ? dataset : dataset + "@" + snapshot; }
  // "jails" for "jails/web", "" for a top-level name.
  std::string parent() const;
};

// Parses and checks a name. `want`: 'd' dataset only, 's' snapshot only, 'a' either.
Result<DatasetName> parse_name(std::string_view text, char want = 'a');

// True if `inner` is `outer` or a dataset below it ("jails/web" is below "jails").
bool name_within(std::string_view inner, std::string_view outer);

}  // namespace jails::storage
