// Capabilities: names, masks, and dropping every capability a jail does not keep.
//
// Linux: without a user namespace, root in a jail is host uid 0; what it may do is what
// its capability sets hold. The bounding set is the one that matters across execve: a
// uid-0 process (or a setuid-root program such as su) gets permitted = bounding at exec,
// so a capability missing from the bounding set can never come back inside the jail.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace jails::kernel {

constexpr uint64_t cap_bit(int cap) { return uint64_t{1} << cap; }

// "CAP_SYS_ADMIN" or "sys_admin" -> 21; nullopt for an unknown name.
std::optional<int> cap_from_name(std::string_view name);
// 21 -> "CAP_SYS_ADMIN"; "CAP_41" for a number this build does not know.
std::string cap_name(int cap);
// "CAP_CHOWN,CAP_KILL" for a mask (empty string for 0).
std::string cap_names(uint64_t mask);

// The highest capability number of the running kernel (/proc/sys/kernel/cap_last_cap).
int cap_last_cap();

// Drops every capability not in `keep`: bounding set (PR_CAPBSET_DROP, needs CAP_SETPCAP,
// so it comes first), ambient set cleared, then permitted = effective = keep and
// inheritable = 0 (capset). For the child: no allocation, never throws. Returns 0 or an
// errno and names the failed step (a string literal).
int drop_capabilities(uint64_t keep, int last_cap, const char** failed_step) noexcept;

}  // namespace jails::kernel
