// Portable dataset streams: `jailctl dataset export` / `import`. A tar (pax) archive,
// zstd-compressed, whose first entry is MANIFEST.json and whose files sit under root/,
// so a jail moves between hosts with different backends.
//   MANIFEST.json: {"format":"jailctl-stream","version":1,"dataset":"jails/web",
//                   "snapshot":"s1","backend":"btrfs","created":1732790000}
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "storage/store.h"

namespace jails::storage {

Result<void> export_stream(Store& store, const DatasetName& name, int out_fd);
// Creates dataset `ds` from the stream; if the manifest names a snapshot, takes that
// snapshot of it too. Returns the manifest.
Result<nlohmann::json> import_stream(Store& store, const DatasetName& ds, int in_fd);

// Extracts an archive file (any format and compression libarchive reads) into `dir`,
// refusing entries that would escape it. A jailctl stream is recognised and its root/
// taken. Used for templates made from tarballs.
Result<void> extract_archive_file(const std::string& file, const std::string& dir);

}  // namespace jails::storage
