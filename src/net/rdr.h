// Port redirection and NAT for VNET jails on a private bridge, as nftables text.
//
// Everything lives in one table of the project's own, `inet jails`, with three nat
// chains (prerouting and output for redirections, postrouting for masquerade). Each
// rule carries the comment "jail=<name> <what>", which is how a later `jail -r` (even
// after a crash) finds the jail's rules, and how a clash with another jail's rdr is found.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace jails::net {

struct Rdr;
struct NetPlan;

inline constexpr const char* kNftTable = "jails";  // family inet

// "PROTO [HOSTADDR:]PORT[-PORT] [JAILPORT[-PORT]]"; HOSTADDR may be [v6]. Pure.
Result<Rdr> parse_rdr(std::string_view text);

// The table and chains (idempotent "add" commands).
std::string nft_table_commands();
// The jail's rules: redirections (in prerouting and output) and masquerade.
std::string nft_rule_commands(const NetPlan& plan);
std::string nft_comment_prefix(const std::string& jail);  // "jail=web "

// A rule of the table, as listed: chain, handle, comment.
struct NftRule {
  std::string chain;
  long handle = 0;
  std::string comment;
};
// Parses `nft -j list table inet jails` output.
std::vector<NftRule> parse_nft_listing(std::string_view json);
// A clash of `plan`'s redirections with rules of other jails: "x.rdr: tcp 8080 is
// already redirected to jail web".
Result<void> check_rdr_free(const NetPlan& plan, const std::vector<NftRule>& rules);

// libnftables: runs commands in the calling thread's network namespace.
Result<std::string> nft_run(const std::string& commands, bool json_output = false);
// The rules of the table; empty if there is no table.
Result<std::vector<NftRule>> nft_list_rules();
// Deletes the jail's rules, then the table if nothing is left in it.
Result<void> nft_remove_jail(const std::string& jail);

}  // namespace jails::net
