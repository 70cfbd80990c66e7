#include "scratchnet/io/onnx_model.h"

#include <bit>

#include "scratchnet/io/protobuf_writer.h"

namespace scratchnet {
namespace {

// Field numbers and enum values of onnx.proto (ONNX 1.12, IR version 8).
namespace field {
// ModelProto
constexpr std::uint32_t kIrVersion = 1, kProducerName = 2, kProducerVersion = 3,
                        kModelDocString = 6, kGraph = 7, kOpsetImport = 8, kMetadataProps = 14;
// OperatorSetIdProto
constexpr std::uint32_t kOpsetVersion = 2;
// StringStringEntryProto
constexpr std::uint32_t kKey = 1, kValue = 2;
// GraphProto
constexpr std::uint32_t kNode = 1, kGraphName = 2, kInitializer = 5, kInput = 11, kOutput = 12;
// NodeProto
constexpr std::uint32_t kNodeInput = 1, kNodeOutput = 2, kNodeName = 3, kOpType = 4, kAttribute = 5;
// AttributeProto
constexpr std::uint32_t kAttrName = 1, kAttrF = 2, kAttrI = 3, kAttrS = 4, kAttrFloats = 7,
                        kAttrInts = 8, kAttrType = 20;
// TensorProto
constexpr std::uint32_t kDims = 1, kDataType = 2, kTensorName = 8, kRawData = 9;
// ValueInfoProto, TypeProto, TypeProto.Tensor, TensorShapeProto, Dimension
constexpr std::uint32_t kValueName = 1, kValueType = 2, kTensorType = 1, kElemType = 1, kShape = 2,
                        kDim = 1, kDimValue = 1, kDimParam = 2;
}  // namespace field

constexpr std::uint64_t kFloatType = 1;  // TensorProto.DataType.FLOAT

// AttributeProto.AttributeType
std::uint64_t attribute_type(OnnxAttribute::Kind kind) {
  switch (kind) {
    case OnnxAttribute::Kind::kFloat:
      return 1;
    case OnnxAttribute::Kind::kInt:
      return 2;
    case OnnxAttribute::Kind::kString:
      return 3;
    case OnnxAttribute::Kind::kFloats:
      return 6;
    case OnnxAttribute::Kind::kInts:
      return 7;
  }
  return 0;
}

ProtoWriter attribute(const OnnxAttribute& a) {
  ProtoWriter w;
  w.bytes_field(field::kAttrName, a.name);
  switch (a.kind) {
    case OnnxAttribute::Kind::kFloat:
      w.float_field(field::kAttrF, a.f);
      break;
    case OnnxAttribute::Kind::kInt:
      w.int_field(field::kAttrI, a.i);
      break;
    case OnnxAttribute::Kind::kString:
      w.bytes_field(field::kAttrS, a.s);
      break;
    case OnnxAttribute::Kind::kFloats:
      for (float f : a.floats) w.float_field(field::kAttrFloats, f);
      break;
    case OnnxAttribute::Kind::kInts:
      for (std::int64_t i : a.ints) w.int_field(field::kAttrInts, i);
      break;
  }
  w.uint_field(field::kAttrType, attribute_type(a.kind));
  return w;
}

ProtoWriter node(const OnnxNode& n) {
  ProtoWriter w;
  for (const auto& in : n.inputs) w.bytes_field(field::kNodeInput, in);
  for (const auto& out : n.outputs) w.bytes_field(field::kNodeOutput, out);
  if (!n.name.empty()) w.bytes_field(field::kNodeName, n.name);
  w.bytes_field(field::kOpType, n.op_type);
  for (const auto& a : n.attributes) w.message_field(field::kAttribute, attribute(a));
  return w;
}

ProtoWriter initializer(const OnnxInitializer& t) {
  ProtoWriter w;
  for (std::int64_t d : t.dims) w.int_field(field::kDims, d);
  w.int_field(field::kDataType, kFloatType);
  w.bytes_field(field::kTensorName, t.name);
  // raw_data: the values as little-endian float32.
  std::string raw;
  raw.reserve(t.values.size() * 4);
  for (float v : t.values) {
    const auto bits = std::bit_cast<std::uint32_t>(v);
    for (int i = 0; i < 4; ++i) raw.push_back(static_cast<char>((bits >> (8 * i)) & 0xFF));
  }
  w.bytes_field(field::kRawData, raw);
  return w;
}

ProtoWriter value_info(const OnnxValueInfo& v) {
  ProtoWriter shape;
  for (std::size_t i = 0; i < v.dims.size(); ++i) {
    ProtoWriter dim;
    if (i < v.symbols.size() && !v.symbols[i].empty())
      dim.bytes_field(field::kDimParam, v.symbols[i]);
    else
      dim.int_field(field::kDimValue, v.dims[i]);
    shape.message_field(field::kDim, dim);
  }
  ProtoWriter tensor;
  tensor.int_field(field::kElemType, kFloatType);
  tensor.message_field(field::kShape, shape);
  ProtoWriter type;
  type.message_field(field::kTensorType, tensor);
  ProtoWriter w;
  w.bytes_field(field::kValueName, v.name);
  w.message_field(field::kValueType, type);
  return w;
}

ProtoWriter graph(const OnnxModel& m) {
  ProtoWriter w;
  for (const auto& n : m.nodes) w.message_field(field::kNode, node(n));
  w.bytes_field(field::kGraphName, m.graph_name);
  for (const auto& t : m.initializers) w.message_field(field::kInitializer, initializer(t));
  for (const auto& v : m.inputs) w.message_field(field::kInput, value_info(v));
  for (const auto& v : m.outputs) w.message_field(field::kOutput, value_info(v));
  return w;
}

}  // namespace

OnnxAttribute OnnxAttribute::integer(std::string name, std::int64_t value) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = Kind::kInt;
  a.i = value;
  return a;
}

OnnxAttribute OnnxAttribute::real(std::string name, float value) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = Kind::kFloat;
  a.f = value;
  return a;
}

OnnxAttribute OnnxAttribute::text(std::string name, std::string value) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = Kind::kString;
  a.s = std::move(value);
  return a;
}

OnnxAttribute OnnxAttribute::integers(std::string name, std::vector<std::int64_t> values) {
  OnnxAttribute a;
  a.name = std::move(name);
  a.kind = Kind::kInts;
  a.ints = std::move(values);
  return a;
}

std::string encode_onnx(const OnnxModel& m) {
  ProtoWriter w;
  w.int_field(field::kIrVersion, m.ir_version);
  if (!m.producer_name.empty()) w.bytes_field(field::kProducerName, m.producer_name);
  if (!m.producer_version.empty()) w.bytes_field(field::kProducerVersion, m.producer_version);
  if (!m.doc_string.empty()) w.bytes_field(field::kModelDocString, m.doc_string);
  w.message_field(field::kGraph, graph(m));
  // The default domain "" is the field's default, so only the version is written.
  ProtoWriter opset;
  opset.int_field(field::kOpsetVersion, m.opset);
  w.message_field(field::kOpsetImport, opset);
  for (const auto& [key, value] : m.metadata) {
    ProtoWriter entry;
    entry.bytes_field(field::kKey, key);
    entry.bytes_field(field::kValue, value);
    w.message_field(field::kMetadataProps, entry);
  }
  return w.bytes();
}

}  // namespace scratchnet
