#pragma once
// ONNX export: a Model (network + preprocessing) as one ONNX graph that any
// ONNX runtime evaluates as `scratchnet predict` does.
//
// The graph, from input to output (opset 13 to 17, IR version 8, float32):
//   input "input" (N, sample shape): the features as the data set gives them
//     (images: pixel / 255 in [0, 1]; tables: the numbers of the feature
//     columns; a model with a tabular encoding takes the encoded vector: the
//     encoding is not part of the graph (ONNX has no table input), and
//     metadata_props["encoding"] describes it);
//   images normalised per channel: Sub(mean) then Div(std), (C, 1, 1) constants;
//   the scaler: Sub(offset) then Mul(factor), x' = (x - offset) * factor as
//     scratchnet computes it, over constants of the sample's shape, or (C, 1, 1)
//     when every value of a channel is equal;
//   the layers, each through its entry in io/layer_interchange.h (dense as
//     Gemm, conv2d as Conv, batch norm in inference form, dropout removed...);
//   classifiers: Softmax over the classes, output "probabilities" (N, K)
//     (without: output "logits"); regression: output "outputs" (N, K).
// Initializers are named "<layer>.<type>.<tensor>" ("layer3.conv2d.W"), nodes
// likewise. metadata_props: scratchnet_version, task, class_names and
// feature_names (JSON arrays), architecture and preprocessing
// (io/model_description.h), input and output (what they hold, in words),
// and encoding when there is one.
//
// Each layer through its entry in io/layer_interchange.h; a layer without
// one, or refused, is a usage error naming it.

#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/io/model_description.h"
#include "scratchnet/io/onnx_model.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

inline constexpr int kOnnxMinOpset = 13, kOnnxMaxOpset = 17;

struct OnnxExportOptions {
  int opset = kOnnxMaxOpset;  // kOnnxMinOpset..kOnnxMaxOpset (a usage error otherwise)
  bool softmax = true;        // classifiers end in Softmax (else they output logits)
};

struct OnnxExport {
  OnnxModel model;
  std::vector<std::string> notes;  // what a user must know (e.g. the encoding stays outside)
};

// The ONNX form of `model`. Usage errors name a layer that cannot be
// expressed, or a bad option.
OnnxExport export_onnx(const Model& model, const OnnxExportOptions& options);
// The same with the preprocessing given (input_preprocessing(model) above).
OnnxExport export_onnx(const Model& model, const InputPreprocessing& input,
                       const OnnxExportOptions& options);

// Builds the graph; emitters use it to add nodes and constants.
class OnnxGraphBuilder {
 public:
  OnnxGraphBuilder(OnnxModel& model, int opset) : model_(model), opset_(opset) {}

  int opset() const { return opset_; }
  // Adds node `op` reading `inputs`; returns the name of its (single) output.
  std::string node(const std::string& op, std::vector<std::string> inputs,
                   std::vector<OnnxAttribute> attributes = {});
  // Adds a float constant called "<scope>.<name>"; returns its name.
  std::string constant(const std::string& name, std::vector<std::int64_t> dims,
                       std::vector<float> values);
  std::string constant(const std::string& name, std::vector<std::int64_t> dims,
                       const BasicTensor<float>& values);
  // Emits `layer` with its table entry; returns the name of its output. A
  // usage error names the layer when it cannot be expressed.
  std::string layer(Layer<float>& layer, const std::string& input);
  // Names of what the current layer adds: "layer3.conv2d", "layer4.residual.main1.batch_norm".
  void enter(const std::string& scope) { scope_ = scope; }
  const std::string& scope() const { return scope_; }

 private:
  OnnxModel& model_;
  int opset_;
  std::string scope_;
  std::size_t values_ = 0;  // node outputs so far, for unique names
};

}  // namespace scratchnet
