#pragma once
// OnnxModel: the part of ONNX's ModelProto that scratchnet writes (onnx.proto,
// IR version 8), as plain structs, and its encoding in the protobuf wire
// format (io/protobuf_writer.h). Only float tensors: every initializer is
// FLOAT with raw little-endian data, every graph input and output a FLOAT
// tensor whose dimensions are numbers or named symbols (the batch "N").
//
// encode_onnx writes each message's fields in field-number order, as
// protobuf's serialisers do: the python onnx package parses the file and
// serialises it again to the same bytes (a test checks it).

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace scratchnet {

inline constexpr std::int64_t kOnnxIrVersion = 8;

// An attribute of a node: one of an int, a float, a string, a list of ints
// or a list of floats.
struct OnnxAttribute {
  enum class Kind { kInt, kFloat, kString, kInts, kFloats };
  std::string name;
  Kind kind = Kind::kInt;
  std::int64_t i = 0;
  float f = 0;
  std::string s;
  std::vector<std::int64_t> ints;
  std::vector<float> floats;

  static OnnxAttribute integer(std::string name, std::int64_t value);
  static OnnxAttribute real(std::string name, float value);
  static OnnxAttribute text(std::string name, std::string value);
  static OnnxAttribute integers(std::string name, std::vector<std::int64_t> values);
};

struct OnnxNode {
  std::string op_type;
  std::vector<std::string> inputs, outputs;
  std::string name;
  std::vector<OnnxAttribute> attributes;
};

// A constant float tensor of the graph (weights, scaler statistics).
struct OnnxInitializer {
  std::string name;
  std::vector<std::int64_t> dims;
  std::vector<float> values;  // row-major, product(dims) values
};

// A graph input or output: a float tensor. A dimension is a number, or the
// symbol in `symbols` at the same position when that is non-empty.
struct OnnxValueInfo {
  std::string name;
  std::vector<std::int64_t> dims;
  std::vector<std::string> symbols;  // empty, or one per dimension ("" where dims holds the size)
};

struct OnnxModel {
  std::int64_t ir_version = kOnnxIrVersion;
  std::int64_t opset = 17;  // of the default domain ""
  std::string producer_name, producer_version;
  std::string doc_string;
  std::string graph_name;
  std::vector<OnnxNode> nodes;  // in topological order
  std::vector<OnnxInitializer> initializers;
  std::vector<OnnxValueInfo> inputs, outputs;
  std::vector<std::pair<std::string, std::string>> metadata;  // metadata_props
};

// The ModelProto bytes of `model` (what a .onnx file holds).
std::string encode_onnx(const OnnxModel& model);

}  // namespace scratchnet
