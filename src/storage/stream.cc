#include "storage/stream.h"

#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>

#include "base/text.h"
#include "storage/crash_point.h"

namespace jails::storage {
namespace {

using nlohmann::json;
using Reader = std::unique_ptr<struct archive, decltype(&archive_read_free)>;
using Writer = std::unique_ptr<struct archive, decltype(&archive_write_free)>;
using Entry = std::unique_ptr<struct archive_entry, decltype(&archive_entry_free)>;

std::unexpected<Error> arch_fail(struct archive* a, std::string what) {
  const char* msg = archive_error_string(a);
  return std::unexpected(Error{what + ": " + (msg ? msg : "libarchive error"), 0});
}

Result<void> write_manifest(struct archive* out, const json& manifest) {
  std::string text = manifest.dump(1) + "\n";
  Entry e(archive_entry_new(), archive_entry_free);
  archive_entry_set_pathname(e.get(), "MANIFEST.json");
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), text.size());
  if (archive_write_header(out, e.get()) != ARCHIVE_OK) return arch_fail(out, "export: manifest");
  if (archive_write_data(out, text.data(), text.size()) < 0) return arch_fail(out, "export: manifest");
  return {};
}

// Copies the data of the current disk entry into the archive.
Result<void> copy_entry_data(struct archive* disk, struct archive* out, const std::string& path) {
  const void* buf;
  size_t size;
  la_int64_t offset;
  int r;
  while ((r = archive_read_data_block(disk, &buf, &size, &offset)) == ARCHIVE_OK)
    if (archive_write_data(out, buf, size) < 0) return arch_fail(out, "export: write " + path);
  if (r != ARCHIVE_EOF) return arch_fail(disk, "export: read " + path);
  return {};
}

// Walks `dir` with libarchive's disk reader (modes, owners, xattrs, ACLs, hard links)
// and stores each entry as root/<relative path>.
Result<void> write_tree(struct archive* out, const std::string& dir) {
  Reader disk(archive_read_disk_new(), archive_read_free);
  archive_read_disk_set_standard_lookup(disk.get());
  archive_read_disk_set_behavior(disk.get(), ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
  std::map<std::pair<dev_t, la_int64_t>, std::string> links;
  if (archive_read_disk_open(disk.get(), dir.c_str()) != ARCHIVE_OK)
    return arch_fail(disk.get(), "export: open " + dir);
  while (true) {
    Entry e(archive_entry_new(), archive_entry_free);
    int r = archive_read_next_header2(disk.get(), e.get());
    if (r == ARCHIVE_EOF) break;
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return arch_fail(disk.get(), "export: walk " + dir);
    archive_read_disk_descend(disk.get());
    std::string path = archive_entry_pathname(e.get());
    std::string rel = path.size() > dir.size() ? path.substr(dir.size() + 1) : "";
    archive_entry_set_pathname(e.get(), rel.empty() ? "root/" : ("root/" + rel).c_str());
    // The disk reader does not pair hard links; the first path of an inode is the target
    // of the others, which carry no data.
    if (archive_entry_nlink(e.get()) > 1 && archive_entry_filetype(e.get()) != AE_IFDIR) {
      auto key = std::pair(archive_entry_dev(e.get()), archive_entry_ino64(e.get()));
      auto [it, first] = links.emplace(key, archive_entry_pathname(e.get()));
      if (!first) {
        archive_entry_set_hardlink(e.get(), it->second.c_str());
        archive_entry_set_size(e.get(), 0);
      }
    }
    if (archive_write_header(out, e.get()) < ARCHIVE_WARN) return arch_fail(out, "export: " + path);
    if (archive_entry_size(e.get()) > 0 && !archive_entry_hardlink(e.get()))
      TRY(copy_entry_data(disk.get(), out, path));
  }
  return {};
}

constexpr int kExtractFlags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_TIME |
                              ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_ACL |
                              ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_SYMLINKS;

// Rewrites an entry path from the archive into `dir`; strips the stream's "root/".
// Returns false for entries outside root/ of a stream.
bool relocate(struct archive_entry* e, const std::string& dir, bool stream) {
  auto fix = [&](std::string p) -> std::optional<std::string> {
    while (starts_with(p, "./")) p = p.substr(2);
    if (stream) {
      if (p == "root" || p == "root/") return dir;
      if (!starts_with(p, "root/")) return std::nullopt;
      p = p.substr(5);
    }
    return p.empty() ? dir : dir + "/" + p;
  };
  auto path = fix(archive_entry_pathname(e));
  if (!path) return false;
  archive_entry_set_pathname(e, path->c_str());
  if (const char* hl = archive_entry_hardlink(e))
    if (auto t = fix(hl)) archive_entry_set_hardlink(e, t->c_str());
  return true;
}

// Extracts the rest of an open archive into `dir`.
Result<void> extract_rest(struct archive* in, const std::string& dir, bool stream) {
  Writer disk(archive_write_disk_new(), archive_write_free);
  archive_write_disk_set_options(disk.get(), kExtractFlags);
  archive_write_disk_set_standard_lookup(disk.get());
  struct archive_entry* e;
  int r;
  while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
    std::string shown = archive_entry_pathname(e);
    if (!relocate(e, dir, stream)) continue;
    // Entries become absolute paths under dir, so SECURE_NOABSOLUTEPATHS cannot guard
    // them; SECURE_NODOTDOT and this check do.
    if (std::string(archive_entry_pathname(e)).find("/../") != std::string::npos)
      return fail("import: entry {} would leave the dataset", shown);
    if (archive_write_header(disk.get(), e) < ARCHIVE_WARN) return arch_fail(disk.get(), "import: " + shown);
    const void* buf;
    size_t size;
    la_int64_t offset;
    while ((r = archive_read_data_block(in, &buf, &size, &offset)) == ARCHIVE_OK)
      if (archive_write_data_block(disk.get(), buf, size, offset) < ARCHIVE_WARN)
        return arch_fail(disk.get(), "import: " + shown);
    if (r != ARCHIVE_EOF) return arch_fail(in, "import: read " + shown);
    if (archive_write_finish_entry(disk.get()) < ARCHIVE_WARN) return arch_fail(disk.get(), "import: " + shown);
    crash_point("import:entry");
  }
  if (r != ARCHIVE_EOF) return arch_fail(in, "import: read");
  if (archive_write_close(disk.get()) != ARCHIVE_OK) return arch_fail(disk.get(), "import: finish");
  return {};
}

Reader open_reader() {
  Reader in(archive_read_new(), archive_read_free);
  archive_read_support_filter_all(in.get());
  archive_read_support_format_all(in.get());
  return in;
}

// Reads the manifest if the next entry is one; nullopt for a plain tarball.
Result<std::optional<json>> read_manifest(struct archive* in, struct archive_entry* e) {
  if (std::string(archive_entry_pathname(e)) != "MANIFEST.json") return std::nullopt;
  std::string text(archive_entry_size(e), '\0');
  if (archive_read_data(in, text.data(), text.size()) != static_cast<la_ssize_t>(text.size()))
    return arch_fail(in, "import: MANIFEST.json");
  try {
    json m = json::parse(text);
    if (m.value("format", "") != "jailctl-stream") return fail("import: MANIFEST.json: not a jailctl stream");
    if (m.value("version", 0) != 1) return fail("import: MANIFEST.json: version {} not supported", m.value("version", 0));
    return m;
  } catch (const std::exception& ex) {
    return fail("import: MANIFEST.json: {}", ex.what());
  }
}

}  // namespace

Result<void> export_stream(Store& store, const DatasetName& name, int out_fd) {
  std::function<void()> release;
  std::string dir = TRY(store.open_for_read(name, release));
  struct Guard {
    std::function<void()>& f;
    ~Guard() { f(); }
  } guard{release};
  Writer out(archive_write_new(), archive_write_free);
  archive_write_add_filter_zstd(out.get());
  archive_write_set_format_pax_restricted(out.get());
  // Zero padding to a 10 KiB block after the zstd frame would make the stream unreadable
  // for zstd(1) and for libarchive itself.
  archive_write_set_bytes_in_last_block(out.get(), 1);
  if (archive_write_open_fd(out.get(), out_fd) != ARCHIVE_OK) return arch_fail(out.get(), "export: open stdout");
  json manifest = {{"format", "jailctl-stream"}, {"version", 1}, {"dataset", name.dataset},
                   {"snapshot", name.snapshot}, {"backend", store.backend()},
                   {"created", static_cast<int64_t>(::time(nullptr))}};
  TRY(write_manifest(out.get(), manifest));
  TRY(write_tree(out.get(), dir));
  if (archive_write_close(out.get()) != ARCHIVE_OK) return arch_fail(out.get(), "export: finish");
  return {};
}

Result<json> import_stream(Store& store, const DatasetName& ds, int in_fd) {
  Reader in = open_reader();
  if (archive_read_open_fd(in.get(), in_fd, 1 << 16) != ARCHIVE_OK) return arch_fail(in.get(), "import: open stdin");
  struct archive_entry* e;
  if (archive_read_next_header(in.get(), &e) != ARCHIVE_OK) return arch_fail(in.get(), "import: first entry");
  auto manifest = TRY(read_manifest(in.get(), e));
  if (!manifest) return fail("import: the stream does not start with MANIFEST.json (not made by jailctl dataset export)");
  TRY(store.create(ds, true, [&](const std::string& dir) { return extract_rest(in.get(), dir, true); }));
  std::string snap = manifest->value("snapshot", "");
  if (!snap.empty()) TRY(store.snapshot(DatasetName{ds.dataset, snap}));
  return *manifest;
}

Result<void> extract_archive_file(const std::string& file, const std::string& dir) {
  Reader in = open_reader();
  if (archive_read_open_filename(in.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
    return arch_fail(in.get(), "open " + file);
  struct archive_entry* e;
  int r = archive_read_next_header(in.get(), &e);
  if (r == ARCHIVE_EOF) return {};
  if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return arch_fail(in.get(), "read " + file);
  auto manifest = TRY(read_manifest(in.get(), e));
  if (!manifest) {
    // A plain tarball: its first entry is a file of the tree; extract it too.
    Reader again = open_reader();
    if (archive_read_open_filename(again.get(), file.c_str(), 1 << 16) != ARCHIVE_OK)
      return arch_fail(again.get(), "open " + file);
    return extract_rest(again.get(), dir, false);
  }
  return extract_rest(in.get(), dir, true);
}

}  // namespace jails::storage
