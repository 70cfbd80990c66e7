#pragma once
// safetensors files (https://github.com/huggingface/safetensors, the format's
// README): named tensors for PyTorch and other frameworks, read without
// executing anything.
//
// Layout: an unsigned 64-bit little-endian N; N bytes of UTF-8 JSON (the
// header), beginning with '{' and possibly padded with spaces; then the data
// buffer. The header maps each tensor name to
//   {"dtype": "F32", "shape": [out, in], "data_offsets": [begin, end]}
// (offsets into the data buffer, end one past the last byte; values
// little-endian, row-major), plus an optional "__metadata__" object whose
// values are all strings.
//
// parse_safetensors checks everything the format requires, each failure a
// data error naming the file and the tensor: the header length against the
// file, valid UTF-8 and JSON, no duplicate names, a known dtype, shape and
// offsets made of non-negative integers, begin <= end, every range inside the
// data buffer, no two ranges overlapping and no byte between or after them
// belonging to no tensor (the format allows no holes), and shape x dtype size
// equal to each range's length.
//
// encode_safetensors writes tensors in the order given, contiguous from
// offset 0, the header padded with spaces to a multiple of 8 bytes (so the
// data starts aligned, as the reference implementation does).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace scratchnet {

// Bytes per element of a safetensors dtype ("F32" -> 4), or nullopt when the
// format does not define it.
std::optional<std::size_t> safetensors_dtype_size(std::string_view dtype);
std::vector<std::string> safetensors_dtypes();

struct SafetensorsTensor {
  std::string name;
  std::string dtype;                 // "F32", "I64", ...
  std::vector<std::uint64_t> shape;  // [] for a scalar
  std::string_view data;             // the tensor's bytes (reading: a view into the file's bytes)
};

struct SafetensorsFile {
  std::vector<std::pair<std::string, std::string>> metadata;  // __metadata__, in header order
  std::vector<SafetensorsTensor> tensors;                     // in the order of their data

  const SafetensorsTensor* find(std::string_view name) const;
  // The __metadata__ value of `key`, or null.
  const std::string* meta(std::string_view key) const;
};

// Largest header accepted (the reference implementation's limit).
inline constexpr std::uint64_t kMaxSafetensorsHeader = 100'000'000;

// Parses and checks `bytes` (see above); the tensors' data are views into
// `bytes`, which must outlive the result. `source` names the file in errors.
SafetensorsFile parse_safetensors(std::string_view bytes, const std::string& source);
// The file image of `tensors` (each tensor's data must be shape x dtype size
// bytes; an internal error otherwise) with `metadata` as __metadata__.
std::string encode_safetensors(const std::vector<SafetensorsTensor>& tensors,
                               const std::vector<std::pair<std::string, std::string>>& metadata);

}  // namespace scratchnet
