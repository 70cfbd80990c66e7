#pragma once
// UTF-8 checks for the text of interchange formats (safetensors headers and
// metadata, ONNX strings), which must be valid UTF-8 while scratchnet's own
// names (class names read from a CSV) may be in any encoding.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace scratchnet {

// The byte offset of the first sequence of `text` that is not UTF-8 (a bad
// lead or continuation byte, a truncated, overlong or surrogate form, a value
// past U+10FFFF), or std::string_view::npos when all of it is.
std::size_t invalid_utf8_at(std::string_view text);
// `text` with every byte that does not start a valid sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);
// Appends code point `cp` (at most U+10FFFF) encoded as UTF-8.
void append_utf8(std::string& out, std::uint32_t cp);

}  // namespace scratchnet
