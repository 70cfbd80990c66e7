// The protobuf wire format writer: the encodings of the protobuf
// documentation's examples, and an ONNX model decoded field by field by a
// reader written here.

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "scratchnet/io/onnx_model.h"
#include "scratchnet/io/protobuf_writer.h"

namespace scratchnet {
namespace {

std::string hex(const std::string& bytes) {
  std::string s;
  for (unsigned char c : bytes) s += fmt::format("{}{:02x}", s.empty() ? "" : " ", c);
  return s;
}

// A decoded field: its number, wire type, and value (varint or fixed) or bytes.
struct Field {
  std::uint32_t number = 0, type = 0;
  std::uint64_t value = 0;
  std::string bytes;
};

// Decodes one message level; fails the test on malformed input.
std::vector<Field> decode(const std::string& message) {
  std::vector<Field> fields;
  std::size_t pos = 0;
  auto varint = [&] {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      EXPECT_LT(pos, message.size());
      if (pos >= message.size()) return v;
      const auto byte = static_cast<unsigned char>(message[pos++]);
      v |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    ADD_FAILURE() << "varint longer than 10 bytes";
    return v;
  };
  while (pos < message.size()) {
    Field f;
    const std::uint64_t key = varint();
    f.number = static_cast<std::uint32_t>(key >> 3);
    f.type = static_cast<std::uint32_t>(key & 7);
    if (f.type == 0) {
      f.value = varint();
    } else if (f.type == 1 || f.type == 5) {
      const int n = f.type == 1 ? 8 : 4;
      for (int i = 0; i < n; ++i)
        f.value |= static_cast<std::uint64_t>(static_cast<unsigned char>(message[pos + i]))
                   << (8 * i);
      pos += n;
    } else if (f.type == 2) {
      const std::uint64_t n = varint();
      f.bytes = message.substr(pos, n);
      pos += n;
    } else {
      ADD_FAILURE() << "wire type " << f.type;
      break;
    }
    fields.push_back(f);
  }
  EXPECT_EQ(pos, message.size());
  return fields;
}

std::vector<Field> all(const std::vector<Field>& fields, std::uint32_t number) {
  std::vector<Field> out;
  for (const Field& f : fields)
    if (f.number == number) out.push_back(f);
  return out;
}

Field one(const std::vector<Field>& fields, std::uint32_t number) {
  const auto found = all(fields, number);
  EXPECT_EQ(found.size(), 1u) << "field " << number;
  return found.empty() ? Field{} : found[0];
}

TEST(ProtobufWriter, VarintsAsTheDocumentationEncodesThem) {
  const std::pair<std::uint64_t, const char*> cases[] = {
      {0, "00"},
      {1, "01"},
      {127, "7f"},
      {128, "80 01"},
      {150, "96 01"},
      {300, "ac 02"},
      {UINT64_MAX, "ff ff ff ff ff ff ff ff ff 01"}};
  for (const auto& [value, expected] : cases) {
    std::string out;
    append_varint(out, value);
    EXPECT_EQ(hex(out), expected) << value;
  }
}

TEST(ProtobufWriter, FieldsOfEveryWireType) {
  // The protobuf encoding guide's examples: Test1.a = 150, Test2.b = "testing", Test3.c = Test1.
  ProtoWriter a;
  a.uint_field(1, 150);
  EXPECT_EQ(hex(a.bytes()), "08 96 01");
  ProtoWriter b;
  b.bytes_field(2, "testing");
  EXPECT_EQ(hex(b.bytes()), "12 07 74 65 73 74 69 6e 67");
  ProtoWriter c;
  c.message_field(3, a);
  EXPECT_EQ(hex(c.bytes()), "1a 03 08 96 01");
  // int64 -1: ten bytes of two's complement; float 1 and double -2 little-endian.
  ProtoWriter n;
  n.int_field(1, -1);
  EXPECT_EQ(hex(n.bytes()), "08 ff ff ff ff ff ff ff ff ff 01");
  ProtoWriter f;
  f.float_field(2, 1.0f);
  f.double_field(3, -2.0);
  EXPECT_EQ(hex(f.bytes()), "15 00 00 80 3f 19 00 00 00 00 00 00 00 c0");
  // A field number past 15 takes a two-byte key: 20 << 3 | 0 = 160.
  ProtoWriter big;
  big.uint_field(20, 2);
  EXPECT_EQ(hex(big.bytes()), "a0 01 02");
}

TEST(OnnxModelEncoding, DecodesToWhatWasBuilt) {
  OnnxModel m;
  m.opset = 13;
  m.producer_name = "scratchnet";
  m.graph_name = "g";
  m.inputs.push_back({"x", {0, 3}, {"N", ""}});
  m.outputs.push_back({"y", {0, 2}, {"N", ""}});
  m.initializers.push_back({"w", {3, 2}, {1.5f, -2.0f, 0.25f, 3.0f, -0.5f, 1e-8f}});
  m.nodes.push_back({"Gemm", {"x", "w"}, {"h"}, "gemm", {}});
  m.nodes.push_back({"LeakyRelu", {"h"}, {"y"}, "act", {OnnxAttribute::real("alpha", 0.2f)}});
  m.nodes.back().attributes.push_back(OnnxAttribute::integers("ks", {3, -1}));
  m.metadata = {{"task", "classification"}, {"class_names", "[\"a\", \"b\"]"}};
  const auto model = decode(encode_onnx(m));

  EXPECT_EQ(one(model, 1).value, 8u);  // ir_version
  EXPECT_EQ(one(model, 2).bytes, "scratchnet");
  const auto opset = decode(one(model, 8).bytes);
  EXPECT_TRUE(all(opset, 1).empty());  // the default domain "" is not written
  EXPECT_EQ(one(opset, 2).value, 13u);
  const auto meta = all(model, 14);
  ASSERT_EQ(meta.size(), 2u);
  EXPECT_EQ(one(decode(meta[1].bytes), 1).bytes, "class_names");
  EXPECT_EQ(one(decode(meta[1].bytes), 2).bytes, "[\"a\", \"b\"]");
  // Fields in field-number order, as protobuf's serialisers write them.
  std::uint32_t last = 0;
  for (const Field& f : model) {
    EXPECT_LE(last, f.number);
    last = f.number;
  }

  const auto graph = decode(one(model, 7).bytes);
  const auto nodes = all(graph, 1);
  ASSERT_EQ(nodes.size(), 2u);
  const auto act = decode(nodes[1].bytes);
  EXPECT_EQ(one(act, 1).bytes, "h");
  EXPECT_EQ(one(act, 2).bytes, "y");
  EXPECT_EQ(one(act, 3).bytes, "act");
  EXPECT_EQ(one(act, 4).bytes, "LeakyRelu");
  const auto attrs = all(act, 5);
  ASSERT_EQ(attrs.size(), 2u);
  const auto alpha = decode(attrs[0].bytes);
  EXPECT_EQ(one(alpha, 1).bytes, "alpha");
  EXPECT_EQ(std::bit_cast<float>(static_cast<std::uint32_t>(one(alpha, 2).value)), 0.2f);
  EXPECT_EQ(one(alpha, 20).value, 1u);  // AttributeType FLOAT
  const auto ks = decode(attrs[1].bytes);
  const auto ints = all(ks, 8);
  ASSERT_EQ(ints.size(), 2u);
  EXPECT_EQ(ints[0].value, 3u);
  EXPECT_EQ(static_cast<std::int64_t>(ints[1].value), -1);
  EXPECT_EQ(one(ks, 20).value, 7u);  // INTS

  const auto w = decode(one(graph, 5).bytes);
  const auto dims = all(w, 1);
  ASSERT_EQ(dims.size(), 2u);
  EXPECT_EQ(dims[0].value, 3u);
  EXPECT_EQ(dims[1].value, 2u);
  EXPECT_EQ(one(w, 2).value, 1u);  // FLOAT
  EXPECT_EQ(one(w, 8).bytes, "w");
  const std::string raw = one(w, 9).bytes;
  ASSERT_EQ(raw.size(), 6 * 4u);
  for (std::size_t i = 0; i < 6; ++i) {
    float v;
    std::memcpy(&v, raw.data() + 4 * i, 4);
    EXPECT_EQ(v, m.initializers[0].values[i]);
  }

  // Input x: tensor_type { elem_type FLOAT, shape { dim { dim_param "N" } dim { dim_value 3 } } }.
  const auto x = decode(one(graph, 11).bytes);
  EXPECT_EQ(one(x, 1).bytes, "x");
  const auto tensor = decode(one(decode(one(x, 2).bytes), 1).bytes);
  EXPECT_EQ(one(tensor, 1).value, 1u);
  const auto dim_fields = all(decode(one(tensor, 2).bytes), 1);
  ASSERT_EQ(dim_fields.size(), 2u);
  EXPECT_EQ(one(decode(dim_fields[0].bytes), 2).bytes, "N");
  EXPECT_EQ(one(decode(dim_fields[1].bytes), 1).value, 3u);
}

}  // namespace
}  // namespace scratchnet
