// Where a template's files come from: `jailctl template NAME --from SOURCE`.
//   a directory         copied (reflinked where possible)
//   a file              an archive libarchive reads (tar, tar.gz, tar.zst, a jailctl stream)
//   busybox[:PATH]      a minimal root: busybox-static (default /bin/busybox) and its applets
//   debootstrap:SUITE[:MIRROR]  Debian's debootstrap into the template (needs the mirror)
#pragma once

#include <string>

#include "base/error.h"
#include "storage/store.h"

namespace jails::storage {

// Checks the source and returns the function that fills a template's directory.
Result<Populate> template_source(const std::string& source);

}  // namespace jails::storage
