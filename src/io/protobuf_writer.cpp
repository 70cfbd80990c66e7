#include "scratchnet/io/protobuf_writer.h"

#include <bit>

namespace scratchnet {
namespace {

// `n` bytes of `value`, least significant first.
void append_little_endian(std::string& out, std::uint64_t value, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}

}  // namespace

void append_varint(std::string& out, std::uint64_t value) {
  // Seven bits per byte, low first; the high bit says another byte follows.
  while (value >= 0x80) {
    out.push_back(static_cast<char>((value & 0x7F) | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<char>(value));
}

void ProtoWriter::key(std::uint32_t field, WireType type) {
  append_varint(bytes_, (static_cast<std::uint64_t>(field) << 3) | type);
}

void ProtoWriter::uint_field(std::uint32_t field, std::uint64_t value) {
  key(field, kVarint);
  append_varint(bytes_, value);
}

void ProtoWriter::int_field(std::uint32_t field, std::int64_t value) {
  // Negative values as their 64-bit two's complement (ten bytes), as int64 and int32 are.
  uint_field(field, static_cast<std::uint64_t>(value));
}

void ProtoWriter::fixed32_field(std::uint32_t field, std::uint32_t value) {
  key(field, kFixed32);
  append_little_endian(bytes_, value, 4);
}

void ProtoWriter::fixed64_field(std::uint32_t field, std::uint64_t value) {
  key(field, kFixed64);
  append_little_endian(bytes_, value, 8);
}

void ProtoWriter::float_field(std::uint32_t field, float value) {
  fixed32_field(field, std::bit_cast<std::uint32_t>(value));
}

void ProtoWriter::double_field(std::uint32_t field, double value) {
  fixed64_field(field, std::bit_cast<std::uint64_t>(value));
}

void ProtoWriter::bytes_field(std::uint32_t field, std::string_view bytes) {
  key(field, kLengthDelimited);
  append_varint(bytes_, bytes.size());
  bytes_.append(bytes);
}

void ProtoWriter::message_field(std::uint32_t field, const ProtoWriter& message) {
  bytes_field(field, message.bytes());
}

}  // namespace scratchnet
