#pragma once
// A guard around toml++ 3.3.0 (the Debian 12 package), whose whitespace test
// reaches __builtin_unreachable -- undefined behaviour -- for the characters
// U+00A1..U+0499, U+2C5E..U+3057 (bar U+3000) and U+FB26..U+FEFE: blocks 0,
// 11 and 63 of its generated table (is_non_ascii_horizontal_whitespace) have
// no case. marzer/tomlplusplus issues #190 and #295, fixed upstream in PR
// #305; found here by fuzz/config_fuzzer.cpp. toml++ asks that question of
// characters outside strings and in places inside multi-line strings, so the
// text is shielded whatever the context: each such character becomes a
// private-use placeholder (U+E000 + its index), which toml++ treats as its
// fixed version treats the original (not whitespace; kept in strings and
// comments), and every key, string and error message that comes out is
// unshielded. Every toml::parse of user text goes through shield_toml.

#include <string>
#include <string_view>

#include <toml++/toml.h>

namespace scratchnet {

// `text` with the characters above replaced by their placeholders. Throws a
// usage error naming `source` when `text` holds a placeholder itself.
std::string shield_toml(std::string_view text, const std::string& source);
// The inverse, for keys, strings and messages that toml++ gives back.
std::string unshield_toml(std::string_view text);
// Parses `text` through the shield; a usage error naming source:line:column
// and what toml++ said otherwise.
toml::table parse_shielded_toml(std::string_view text, const std::string& source);

}  // namespace scratchnet
