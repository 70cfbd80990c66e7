#include "toml_shield.h"

#include <cstdint>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

constexpr char32_t kPlaceholder = 0xE000;
constexpr char32_t kBugBlocks[3][2] = {{0xA1, 0x499}, {0x2C5E, 0x3057}, {0xFB26, 0xFEFE}};

// The placeholder index of `c`, or -1 when toml++ handles `c` correctly.
int bug_index(char32_t c) {
  int base = 0;
  for (const auto& [first, last] : kBugBlocks) {
    if (c >= first && c <= last) return c == 0x3000 ? -1 : base + static_cast<int>(c - first);
    base += static_cast<int>(last - first + 1);
  }
  return -1;
}

constexpr int kPlaceholders = (0x499 - 0xA1 + 1) + (0x3057 - 0x2C5E + 1) + (0xFEFE - 0xFB26 + 1);

char32_t unbug(int index) {
  for (const auto& [first, last] : kBugBlocks) {
    if (index <= static_cast<int>(last - first)) return first + static_cast<char32_t>(index);
    index -= static_cast<int>(last - first + 1);
  }
  return 0;
}

void append_utf8(std::string& out, char32_t c) {
  if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
  } else {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
  }
  out += static_cast<char>(0x80 | (c & 0x3F));
}

// Rewrites the 2- and 3-byte UTF-8 characters of `text` with `map` (which
// returns 0 to keep a character). Other bytes, malformed ones included, are
// copied: toml++ reports malformed UTF-8 itself.
template <class Map>
std::string map_utf8(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (std::size_t i = 0; i < text.size();) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    const std::size_t n = b0 >> 5 == 6 ? 2 : b0 >> 4 == 14 ? 3 : 1;
    char32_t c = 0;
    bool ok = n > 1 && i + n <= text.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = static_cast<unsigned char>(text[i + k]) >> 6 == 2;
    if (ok) {
      c = n == 2 ? b0 & 0x1F : b0 & 0x0F;
      for (std::size_t k = 1; k < n; ++k) c = (c << 6) | (text[i + k] & 0x3F);
    }
    const char32_t mapped = ok ? map(c) : 0;
    if (mapped != 0) {
      append_utf8(out, mapped);
      i += n;
    } else {
      out += text[i++];
    }
  }
  return out;
}

}  // namespace

std::string shield_toml(std::string_view text, const std::string& source) {
  return map_utf8(text, [&](char32_t c) -> char32_t {
    if (c >= kPlaceholder && c < kPlaceholder + kPlaceholders)
      throw_usage("{}: the private-use character U+{:04X} is not supported in config files", source,
                  static_cast<std::uint32_t>(c));
    const int index = bug_index(c);
    return index < 0 ? 0 : kPlaceholder + static_cast<char32_t>(index);
  });
}

std::string unshield_toml(std::string_view text) {
  return map_utf8(text, [](char32_t c) -> char32_t {
    return c >= kPlaceholder && c < kPlaceholder + kPlaceholders
               ? unbug(static_cast<int>(c - kPlaceholder))
               : 0;
  });
}

toml::table parse_shielded_toml(std::string_view text, const std::string& source) {
  try {
    return toml::parse(shield_toml(text, source), source);
  } catch (const toml::parse_error& e) {
    throw_usage("{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column,
                unshield_toml(e.description()));
  }
}

}  // namespace scratchnet
