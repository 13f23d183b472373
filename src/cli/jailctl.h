// jailctl: datasets (zfs(8)-shaped verbs) and the jails made from them. One file per
// group of verbs: jailctl.cc (options, config, dispatch), jailctl_dataset.cc (dataset
// VERB), jailctl_jail.cc (template, create, destroy, list), jailctl_format.cc (tables).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/error.h"
#include "storage/store.h"

namespace jails::cli::jailctl {

struct Context {
  storage::StoreConfig store;
  std::string etc = "/etc";  // jail.conf.d/ and jailctl.conf live here
  std::string self;          // this program, for the exec.prestart it writes
};

using Args = std::vector<std::string>;

Result<std::unique_ptr<storage::Store>> open_store(const Context& ctx);
// Refuses when a running jail's root lies within `mountpoint` (storage::InUseCheck).
Result<void> refuse_if_jail_running(const std::string& dataset, const std::string& mountpoint);

Result<int> dataset_command(const Context& ctx, const Args& args);
Result<int> template_command(const Context& ctx, const Args& args);
Result<int> create_command(const Context& ctx, const Args& args);
Result<int> destroy_command(const Context& ctx, const Args& args);
Result<int> list_command(const Context& ctx, const Args& args);

// Output: sizes as zfs(8) prints them (1.50M), a table with or without header/padding.
std::string human_size(uint64_t bytes);
std::string format_table(const std::vector<std::string>& header,
                         const std::vector<std::vector<std::string>>& rows, bool scripted);
nlohmann::json dataset_json(const storage::DatasetInfo& d);

// Splits leading single-letter flags ("-rp", "-o cols") off args; `with_value` names the
// flags that take a value. Returns the flags seen and leaves the operands in `rest`.
struct Flags {
  std::string letters;
  std::vector<std::pair<char, std::string>> values;
  Args rest;
  bool json = false;
  bool has(char c) const { return letters.find(c) != std::string::npos; }
  std::string value(char c, const std::string& dflt) const;
};
Result<Flags> parse_flags(const Args& args, const std::string& allowed, const std::string& with_value);

}  // namespace jails::cli::jailctl
