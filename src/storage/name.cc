#include "storage/name.h"

namespace jails::storage {
namespace {

// ZFS allows alphanumerics and "_-:. " in names; the space is left out here because a
// dataset name also becomes a path in jail.conf and in shell scripts.
bool valid_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_' || c == '-' || c == ':' || c == '.';
}

Result<void> check_component(std::string_view whole, std::string_view part, const char* what) {
  if (part.empty()) return fail("invalid {} name '{}': empty component", what, whole);
  if (part == "." || part == "..")
    return fail("invalid {} name '{}': component '{}' would leave the dataset root", what, whole, part);
  if (part.front() == '.')
    return fail("invalid {} name '{}': component '{}' starts with '.'", what, whole, part);
  if (part.size() > 200) return fail("invalid {} name '{}': component too long", what, whole);
  for (char c : part)
    if (!valid_char(c))
      return fail("invalid {} name '{}': character '{}' not allowed (use A-Z a-z 0-9 _ - : .)",
                  what, whole, c);
  return {};
}

}  // namespace

std::string DatasetName::parent() const {
  auto slash = dataset.rfind('/');
  return slash == std::string::npos ? std::string() : dataset.substr(0, slash);
}

Result<DatasetName> parse_name(std::string_view text, char want) {
  if (text.empty()) return fail("invalid dataset name '': empty");
  if (text.size() > 255) return fail("invalid dataset name '{}': longer than 255 characters", text);
  DatasetName n;
  auto at = text.find('@');
  std::string_view ds = text.substr(0, at);
  if (at != std::string_view::npos) {
    std::string_view snap = text.substr(at + 1);
    if (snap.find('@') != std::string_view::npos)
      return fail("invalid snapshot name '{}': more than one '@'", text);
    if (snap.find('/') != std::string_view::npos)
      return fail("invalid snapshot name '{}': '/' after '@'", text);
    TRY(check_component(text, snap, "snapshot"));
    n.snapshot = std::string(snap);
  }
  if (want == 'd' && n.is_snapshot()) return fail("'{}' is a snapshot; a dataset name is expected", text);
  if (want == 's' && !n.is_snapshot())
    return fail("'{}' is not a snapshot name (expected dataset@snapshot)", text);
  size_t start = 0;
  while (true) {
    auto slash = ds.find('/', start);
    TRY(check_component(text, ds.substr(start, slash - start), "dataset"));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  n.dataset = std::string(ds);
  return n;
}

bool name_within(std::string_view inner, std::string_view outer) {
  if (inner == outer) return true;
  return inner.size() > outer.size() && inner.substr(0, outer.size()) == outer &&
         inner[outer.size()] == '/';
}

}  // namespace jails::storage
