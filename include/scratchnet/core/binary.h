#pragma once
// Little-endian binary encoding for model files and checkpoints.
//
// ByteWriter appends to a buffer. ByteReader reads from a buffer and checks
// every length against the bytes that remain before allocating, so a
// truncated or hostile file gives a data error, never a huge allocation or an
// out-of-bounds read.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

class SCRATCHNET_API ByteWriter {
 public:
  void u8(std::uint8_t v) { raw(&v, 1); }
  void u32(std::uint32_t v) { raw(&v, 4); }
  void u64(std::uint64_t v) { raw(&v, 8); }
  void f64(double v) { raw(&v, 8); }
  void str(std::string_view s);
  void floats(std::span<const float> values);  // u64 count + values
  void raw(const void* data, std::size_t n);
  const std::string& bytes() const { return buffer_; }

 private:
  std::string buffer_;
};

class SCRATCHNET_API ByteReader {
 public:
  // `source` names the input in error messages.
  ByteReader(std::string_view bytes, std::string source)
      : bytes_(bytes), source_(std::move(source)) {}

  std::uint8_t u8(const char* what);
  std::uint32_t u32(const char* what);
  std::uint64_t u64(const char* what);
  double f64(const char* what);
  std::string str(const char* what);
  std::vector<float> floats(const char* what);
  // A count of items of at least `min_item_bytes` each, checked against what remains.
  std::uint64_t count(const char* what, std::size_t min_item_bytes);
  // The next `n` bytes, consumed, as a view of the input (a data error when
  // fewer remain).
  std::string_view bytes(std::size_t n, const char* what);
  std::size_t remaining() const { return bytes_.size() - pos_; }
  const std::string& source() const { return source_; }

 private:
  void take(void* out, std::size_t n, const char* what);
  std::string_view bytes_;
  std::size_t pos_ = 0;
  std::string source_;
};

// A framed file: an 8-byte magic, a u32 format version, a u64 payload size,
// the payload and the CRC-32 of the payload.
SCRATCHNET_API std::string frame(const char (&magic)[9], std::uint32_t version,
                                 std::string_view payload);
// The payload of a framed file, after checking the magic (the error names
// `what`, e.g. "checkpoint"), the version, the size and the checksum.
SCRATCHNET_API std::string_view unframe(std::string_view bytes, const char (&magic)[9],
                                        std::uint32_t version, const std::string& source,
                                        const char* what);

// Writes `bytes` to `path` atomically: a temporary file in the same folder,
// flushed to disk, then renamed over `path`. Throws a data error on failure
// and leaves no temporary file behind.
SCRATCHNET_API void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole file; files ending in ".gz" are decompressed (zlib).
// Throws a data error naming the path when it cannot be read.
SCRATCHNET_API std::string read_text_file(const std::string& path);

}  // namespace scratchnet
