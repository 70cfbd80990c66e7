#pragma once
// ProtoWriter: the protocol-buffers wire format, written by hand -- the few
// encodings a message writer needs (https://protobuf.dev/programming-guides/encoding/):
//   a field is a key, varint(field_number << 3 | wire_type), then its value:
//   wire type 0 (varint)   integers and enums, 7 bits per byte, low bits
//                          first, the high bit set on every byte but the
//                          last; negative int64 as its two's complement
//                          (10 bytes);
//   wire type 1 (fixed64)  double, 8 bytes little-endian;
//   wire type 2 (length-delimited)  bytes, strings and embedded messages:
//                          varint(length), then the bytes;
//   wire type 5 (fixed32)  float, 4 bytes little-endian.
// Repeated fields are written one field per value (proto2's unpacked form,
// which ONNX's proto2 schema uses). Fields are appended in the order of the
// calls: callers write them in field-number order, as protobuf's own
// serialisers do, so that a parse and re-serialise gives the same bytes.
//
// Why not libprotobuf: ONNX export needs a dozen message types and only
// writes them; these few functions avoid a code generator and a build
// dependency, and a test decodes what they write.

#include <cstdint>
#include <string>
#include <string_view>

namespace scratchnet {

// Appends the varint encoding of `value` to `out`.
void append_varint(std::string& out, std::uint64_t value);

class ProtoWriter {
 public:
  enum WireType : std::uint32_t { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2, kFixed32 = 5 };

  void uint_field(std::uint32_t field, std::uint64_t value);  // uint64, uint32, enum, bool
  void int_field(std::uint32_t field, std::int64_t value);    // int64, int32 (not zigzag)
  void fixed32_field(std::uint32_t field, std::uint32_t value);
  void fixed64_field(std::uint32_t field, std::uint64_t value);
  void float_field(std::uint32_t field, float value);
  void double_field(std::uint32_t field, double value);
  void bytes_field(std::uint32_t field, std::string_view bytes);  // bytes and strings
  void message_field(std::uint32_t field, const ProtoWriter& message);

  const std::string& bytes() const { return bytes_; }

 private:
  void key(std::uint32_t field, WireType type);
  std::string bytes_;
};

}  // namespace scratchnet
