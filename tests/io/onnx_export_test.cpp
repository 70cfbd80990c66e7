// ONNX export: every layer type has an entry (exported or refused with a
// reason); the graph holds the preprocessing, the layers and the softmax with
// the model's own numbers; what cannot be expressed is an error naming it.
// (tests/python/interchange_test.py checks the files with python onnx and
// evaluates them.)

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "scratchnet/data/csv.h"
#include "scratchnet/io/layer_interchange.h"
#include "scratchnet/io/onnx_export.h"
#include "scratchnet/io/torch_layout.h"
#include "scratchnet/layers/registry.h"
#include "support/expect_error.h"

namespace scratchnet {
namespace {

using testing::expect_error;

Model make_model(const Shape& input, std::vector<LayerSpec> layers, Scaler scaler,
                 std::size_t classes) {
  Model m;
  m.task = Task::kClassification;
  m.loss = "softmax_cross_entropy";
  for (std::size_t c = 0; c < classes; ++c) m.class_names.push_back("class " + std::to_string(c));
  m.scaler = std::move(scaler);
  m.network = std::make_unique<Network<float>>(Architecture{input, std::move(layers)});
  Rng rng(3);
  m.network->initialize(InitScheme(), rng);
  return m;
}

std::vector<std::string> op_types(const OnnxModel& m) {
  std::vector<std::string> ops;
  for (const OnnxNode& n : m.nodes) ops.push_back(n.op_type);
  return ops;
}

const OnnxInitializer* initializer(const OnnxModel& m, const std::string& name) {
  for (const OnnxInitializer& t : m.initializers)
    if (t.name == name) return &t;
  return nullptr;
}

std::string meta(const OnnxModel& m, const std::string& key) {
  for (const auto& [k, v] : m.metadata)
    if (k == key) return v;
  return "";
}

// A layer type nobody registered (what a new layer without an exporter looks like).
class MysteryLayer final : public LayerBase<float> {
 public:
  MysteryLayer() : LayerBase<float>({"mystery", {}}, Shape{2}, Shape{2}) {}
  const Tensor& forward(const Tensor& x, Mode) override { return x; }
  const Tensor& backward(const Tensor& g) override { return g; }
};

TEST(OnnxExport, EveryRegisteredLayerTypeIsExportedOrRefusedWithAReason) {
  for (const LayerType* type : layer_types()) {
    const LayerInterchange* entry = find_layer_interchange(type->name);
    ASSERT_NE(entry, nullptr)
        << type->name << " has no entry in layer_interchange_table() (io/layer_interchange.cpp)";
    const bool reason = entry->refusal != nullptr && *entry->refusal != '\0';
    EXPECT_TRUE(entry->onnx != nullptr || reason)
        << type->name << ": neither exported to ONNX nor refused with a reason";
    EXPECT_TRUE(entry->torch != nullptr || reason)
        << type->name << ": no PyTorch form and no reason";
  }
}

TEST(OnnxExport, MlpGraphHoldsScalerLayersAndSoftmaxWithTheModelsNumbers) {
  Model m = make_model(Shape{3},
                       {{"dense", {{"units", 4}}},
                        {"batch_norm", {{"eps", 1e-3}}},
                        {"relu", {}},
                        {"dropout", {{"rate", 0.5}}},
                        {"dense", {{"units", 2}}}},
                       Scaler(ScalerKind::kStandard, {1, 2, 3}, {0.5f, 0.25f, 2}), 2);
  const OnnxExport e = export_onnx(m, {});
  const OnnxModel& g = e.model;
  EXPECT_EQ(g.ir_version, 8);
  EXPECT_EQ(g.opset, 17);
  // Dropout leaves no node.
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"Sub", "Mul", "Gemm", "BatchNormalization",
                                                   "Relu", "Gemm", "Softmax"}));
  ASSERT_EQ(g.inputs.size(), 1u);
  EXPECT_EQ(g.inputs[0].name, "input");
  EXPECT_EQ(g.inputs[0].dims.size(), 2u);
  EXPECT_EQ(g.inputs[0].symbols[0], "N");
  EXPECT_EQ(g.inputs[0].dims[1], 3);
  EXPECT_EQ(g.outputs[0].name, "probabilities");
  EXPECT_EQ(g.nodes.back().outputs[0], "probabilities");
  EXPECT_EQ(g.outputs[0].dims[1], 2);
  // Every node reads values defined before it.
  std::vector<std::string> defined = {"input"};
  for (const auto& t : g.initializers) defined.push_back(t.name);
  for (const OnnxNode& n : g.nodes) {
    for (const auto& in : n.inputs)
      EXPECT_NE(std::find(defined.begin(), defined.end(), in), defined.end())
          << n.name << " reads " << in;
    defined.insert(defined.end(), n.outputs.begin(), n.outputs.end());
  }
  // Weights as stored: W (in, out) for Gemm, the scaler's offset and factor.
  const OnnxInitializer* w = initializer(g, "layer1.dense.W");
  ASSERT_NE(w, nullptr);
  EXPECT_EQ(w->dims, (std::vector<std::int64_t>{3, 4}));
  const Tensor& stored = *m.network->params()[0].value;
  EXPECT_EQ(w->values, std::vector<float>(stored.data(), stored.data() + stored.size()));
  EXPECT_EQ(initializer(g, "scaler.factor")->values, (std::vector<float>{0.5f, 0.25f, 2}));
  const OnnxInitializer* var = initializer(g, "layer2.batch_norm.running_var");
  ASSERT_NE(var, nullptr);
  EXPECT_EQ(var->values, std::vector<float>(4, 1.0f));
  const OnnxNode& bn = g.nodes[3];
  EXPECT_EQ(bn.attributes[0].name, "epsilon");
  EXPECT_FLOAT_EQ(bn.attributes[0].f, 1e-3f);
  // metadata_props say what the graph is.
  EXPECT_EQ(meta(g, "task"), "classification");
  EXPECT_EQ(meta(g, "class_names"), "[\"class 0\", \"class 1\"]");
  EXPECT_NE(meta(g, "scratchnet_version").find('.'), std::string::npos);
  EXPECT_NE(meta(g, "architecture").find("{\"type\": \"dropout\", \"rate\": 0.5}"),
            std::string::npos)
      << meta(g, "architecture");
  EXPECT_NE(meta(g, "preprocessing").find("\"offset\": [1, 2, 3]"), std::string::npos);
  EXPECT_TRUE(e.notes.empty());
}

TEST(OnnxExport, ImagesGetPerChannelScalerConvPoolsFlattenAndLogits) {
  // Per-channel statistics stored per feature, as channel_scaler does.
  std::vector<float> offset, factor;
  for (int c = 0; c < 2; ++c)
    for (int i = 0; i < 36; ++i) offset.push_back(0.1f * (c + 1)), factor.push_back(2.0f + c);
  Model m = make_model(Shape{2, 6, 6},
                       {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"padding", 1}, {"stride", 1}}},
                        {"max_pool2d", {{"size", 2}}},
                        {"avg_pool2d", {{"size", 3}}},
                        {"dense", {{"units", 2}}}},
                       Scaler(ScalerKind::kStandard, offset, factor), 2);
  OnnxExportOptions options;
  options.softmax = false;
  options.opset = 13;
  const OnnxModel g = export_onnx(m, options).model;
  EXPECT_EQ(g.opset, 13);
  // The dense layer reads the (3, 1, 1) pooled maps flattened.
  EXPECT_EQ(op_types(g), (std::vector<std::string>{"Sub", "Mul", "Conv", "MaxPool", "AveragePool",
                                                   "Flatten", "Gemm"}));
  EXPECT_EQ(initializer(g, "scaler.offset")->dims, (std::vector<std::int64_t>{2, 1, 1}));
  EXPECT_EQ(initializer(g, "scaler.factor")->values, (std::vector<float>{2, 3}));
  EXPECT_EQ(initializer(g, "layer1.conv2d.W")->dims, (std::vector<std::int64_t>{3, 2, 3, 3}));
  EXPECT_EQ(g.outputs[0].name, "logits");
  const OnnxNode& conv = g.nodes[2];
  ASSERT_EQ(conv.attributes.size(), 3u);
  EXPECT_EQ(conv.attributes[0].ints, (std::vector<std::int64_t>{3, 3}));
  EXPECT_EQ(conv.attributes[1].ints, (std::vector<std::int64_t>{1, 1, 1, 1}));

  // Per-feature statistics stay per feature.
  offset[5] = 7;
  Model per_feature = make_model(Shape{2, 6, 6}, {{"flatten", {}}, {"dense", {{"units", 2}}}},
                                 Scaler(ScalerKind::kStandard, offset, factor), 2);
  EXPECT_EQ(initializer(export_onnx(per_feature, {}).model, "scaler.offset")->dims,
            (std::vector<std::int64_t>{2, 6, 6}));
}

TEST(OnnxExport, ImagesNormalisedPerChannelGetSubAndDivBeforeTheScaler) {
  Model m = make_model(Shape{2, 4, 4}, {{"flatten", {}}, {"dense", {{"units", 2}}}}, Scaler(), 2);
  InputPreprocessing input;
  input.channel_mean = {0.25f, 0.5f};
  input.channel_std = {0.5f, 2.0f};
  const OnnxExport e = export_onnx(m, input, {});
  EXPECT_EQ(op_types(e.model),
            (std::vector<std::string>{"Sub", "Div", "Flatten", "Gemm", "Softmax"}));
  EXPECT_EQ(initializer(e.model, "normalise.mean")->dims, (std::vector<std::int64_t>{2, 1, 1}));
  EXPECT_EQ(initializer(e.model, "normalise.std")->values, (std::vector<float>{0.5f, 2.0f}));
  EXPECT_NE(meta(e.model, "preprocessing")
                .find("\"channel_mean\": [0.25, 0.5], \"channel_std\": [0.5, 2]"),
            std::string::npos)
      << meta(e.model, "preprocessing");
  EXPECT_NE(meta(e.model, "input").find("per-channel normalisation is part of the graph"),
            std::string::npos);
}

TEST(OnnxExport, ResidualBlocksAddTheirBranchesThenRelu) {
  Model m = make_model(Shape{2, 4, 4},
                       {{"residual", {{"filters", 2}}},
                        {"residual", {{"filters", 3}, {"stride", 2}}},
                        {"flatten", {}},
                        {"dense", {{"units", 2}}}},
                       Scaler(), 2);
  const OnnxModel g = export_onnx(m, {}).model;
  const std::vector<std::string> identity_block = {
      "Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Add", "Relu"};
  std::vector<std::string> expected = identity_block;
  // The projection block adds a 1x1 convolution and batch norm on the shortcut.
  expected.insert(expected.end(),
                  {"Conv", "BatchNormalization", "Relu", "Conv", "BatchNormalization", "Conv",
                   "BatchNormalization", "Add", "Relu", "Flatten", "Gemm", "Softmax"});
  EXPECT_EQ(op_types(g), expected);
  // The identity block's Add reads the block's input.
  EXPECT_EQ(g.nodes[5].inputs[1], "input");
  EXPECT_NE(initializer(g, "layer2.residual.shortcut0.conv2d.W"), nullptr);
  EXPECT_EQ(initializer(g, "layer2.residual.shortcut0.conv2d.W")->dims,
            (std::vector<std::int64_t>{3, 2, 1, 1}));
}

TEST(OnnxExport, ATabularEncodingStaysOutsideTheGraphAndIsDescribed) {
  const CsvTable table =
      parse_csv_table("age,color,label\n30,red,a\n,blue,b\n50,red,a\n", "t.csv", {});
  TabularOptions options;
  options.missing_indicator = true;
  const TabularPipeline pipeline =
      TabularPipeline::fit(table, 2, std::vector<std::size_t>{0, 1, 2}, options, "t.csv");
  ASSERT_EQ(pipeline.output_width(), 4u);  // age, color=blue, color=red, age missing
  Model m = make_model(Shape{4}, {{"dense", {{"units", 2}}}}, Scaler(), 2);
  InputPreprocessing input;
  input.encoding = &pipeline;
  const OnnxExport e = export_onnx(m, input, {});
  ASSERT_EQ(e.notes.size(), 1u);
  EXPECT_NE(e.notes[0].find("encoded feature vector (4 features)"), std::string::npos)
      << e.notes[0];
  const std::string encoding = meta(e.model, "encoding");
  EXPECT_NE(
      encoding.find(
          "{\"name\": \"age\", \"kind\": \"numeric\", \"fill\": 40, \"missing_indicator\": true}"),
      std::string::npos)
      << encoding;
  EXPECT_NE(encoding.find("\"categories\": [\"blue\", \"red\"], \"fill\": \"red\""),
            std::string::npos)
      << encoding;
  EXPECT_NE(
      encoding.find("\"features\": [\"age\", \"color=blue\", \"color=red\", \"age missing\"]"),
      std::string::npos)
      << encoding;
  EXPECT_NE(meta(e.model, "input").find("encoded feature vector"), std::string::npos);
}

TEST(OnnxExport, WhatCannotBeExpressedIsAnErrorNamingIt) {
  Model m = make_model(Shape{2}, {{"dense", {{"units", 2}}}}, Scaler(), 2);
  expect_error([&] { export_onnx(m, {12}); }, ErrorKind::kUsage, {"opset 12", "13 to 17"});
  expect_error([&] { export_onnx(m, {18}); }, ErrorKind::kUsage, {"opset 18"});
  OnnxModel g;
  OnnxGraphBuilder builder(g, 17);
  builder.enter("layer4.mystery");
  MysteryLayer mystery;
  expect_error([&] { builder.layer(mystery, "input"); }, ErrorKind::kUsage,
               {"layer4", "mystery", "ONNX"});
  TorchLayout layout;
  TorchLayoutBuilder torch(layout);
  torch.layer_index = 3;
  expect_error([&] { torch.layer(mystery); }, ErrorKind::kUsage, {"layer 4 (mystery)", "PyTorch"});
}

}  // namespace
}  // namespace scratchnet
