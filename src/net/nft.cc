// libnftables: the calls that run nftables commands in the caller's network namespace.
#include <nftables/libnftables.h>

#include <memory>

#include "base/text.h"
#include "net/rdr.h"

namespace jails::net {

namespace {
struct CtxFree {
  void operator()(nft_ctx* c) const { nft_ctx_free(c); }
};
}  // namespace

Result<std::string> nft_run(const std::string& commands, bool json_output) {
  std::unique_ptr<nft_ctx, CtxFree> ctx(nft_ctx_new(NFT_CTX_DEFAULT));
  if (!ctx) return fail("nft_ctx_new: out of memory");
  nft_ctx_buffer_output(ctx.get());
  nft_ctx_buffer_error(ctx.get());
  if (json_output)
    nft_ctx_output_set_flags(ctx.get(), NFT_CTX_OUTPUT_JSON | NFT_CTX_OUTPUT_HANDLE);
  if (nft_run_cmd_from_buffer(ctx.get(), commands.c_str()) != 0) {
    std::string err(trim(nft_ctx_get_error_buffer(ctx.get())));
    return fail("nftables: {}", err.empty() ? "command failed" : err);
  }
  return std::string(nft_ctx_get_output_buffer(ctx.get()));
}

Result<std::vector<NftRule>> nft_list_rules() {
  auto out = nft_run(fmt::format("list table inet {}", kNftTable), true);
  if (!out) {
    // No table yet (ENOENT in nftables' words): no rules.
    if (out.error().message.find("No such file") != std::string::npos) return std::vector<NftRule>{};
    return std::unexpected(std::move(out).error());
  }
  return parse_nft_listing(*out);
}

Result<void> nft_remove_jail(const std::string& jail) {
  auto rules = TRY(nft_list_rules());
  std::string cmds;
  size_t left = 0;
  for (const auto& r : rules) {
    if (r.comment.starts_with(nft_comment_prefix(jail)))
      cmds += fmt::format("delete rule inet {} {} handle {}\n", kNftTable, r.chain, r.handle);
    else
      left++;
  }
  if (!cmds.empty()) TRY_CTX(nft_run(cmds), fmt::format("{}: removing nft rules", jail));
  if (left == 0 && !rules.empty()) TRY(nft_run(fmt::format("delete table inet {}", kNftTable)));
  if (rules.empty()) {
    // An empty table of ours (rules were never added, or removed before a crash).
    auto r = nft_run(fmt::format("delete table inet {}", kNftTable));
    (void)r;
  }
  return {};
}

}  // namespace jails::net
