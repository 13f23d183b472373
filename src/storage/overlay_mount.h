// overlayfs through the new mount API (fsopen/fsconfig/fsmount/move_mount).
#pragma once

#include <string>
#include <vector>

#include "base/error.h"

namespace jails::storage {

struct OverlaySpec {
  std::vector<std::string> lower;  // topmost first; at least one
  std::string upper;               // "" for a read-only overlay of the layers alone
  std::string work;
  bool readonly = false;
};

// Linux: overlayfs stacks at most 500 lower layers (OVL_MAX_STACK).
inline constexpr size_t kOverlayMaxLayers = 500;

// Mounts the overlay on `target`. Each layer is passed with "lowerdir+" (Linux 6.8), so
// layer paths may hold any character, commas and colons included.
Result<void> mount_overlay(const OverlaySpec& spec, const std::string& target);
// True if `path` is the root of a mount.
bool is_mountpoint(const std::string& path);
// umount2(path, 0); EBUSY is reported, not forced.
Result<void> unmount_path(const std::string& path);

}  // namespace jails::storage
