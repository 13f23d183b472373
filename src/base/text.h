// Small text operations the parsers and formatters share.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jails {

std::vector<std::string> split(std::string_view s, char sep);
// Splits on runs of blanks (space, tab, newline); no empty fields.
std::vector<std::string> split_blanks(std::string_view s);
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string_view trim(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
// Whole-string decimal integer (optional sign); nullopt if anything else is there.
std::optional<int64_t> parse_int(std::string_view s);
// Reads a whole file; nullopt (errno set) if it cannot be read.
std::optional<std::string> read_file(const std::string& path);

}  // namespace jails
