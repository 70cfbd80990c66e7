#pragma once
// One or more cases per registered layer type: a spec and the input sample
// shape it is built for. The layer contract (gradients, accumulation, eval
// determinism), the float-against-double check and the model loader's
// planner test all run every case, and each requires every registered type
// to have one: adding a layer type adds one line here.

#include <vector>

#include "scratchnet/core/shape.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet::testing {

struct LayerCase {
  LayerSpec spec;
  Shape input;  // sample shape
};

// One or more cases per registered layer type.
inline const std::vector<LayerCase>& layer_cases() {
  static const std::vector<LayerCase> cases = {
      {{"dense", {{"units", 4}}}, Shape{5}},
      {{"dense", {{"units", 1}}}, Shape{3}},
      {{"sigmoid", {}}, Shape{6}},
      {{"tanh", {}}, Shape{6}},
      {{"relu", {}}, Shape{6}},
      {{"leaky_relu", {{"alpha", 0.1}}}, Shape{6}},
      {{"identity", {}}, Shape{6}},
      {{"batch_norm", {}}, Shape{4}},
      {{"batch_norm", {}}, Shape{2, 3, 3}},
      {{"dropout", {{"rate", 0.3}}}, Shape{6}},
      {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"stride", 1}, {"padding", 1}}}, Shape{2, 5, 5}},
      {{"conv2d", {{"filters", 2}, {"kernel", 3}, {"stride", 2}, {"padding", 0}}}, Shape{1, 6, 6}},
      {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"stride", 2}, {"padding", 1}}}, Shape{2, 7, 6}},
      {{"max_pool2d", {{"size", 2}}}, Shape{2, 4, 4}},
      // Overlapping windows: an input feeds several outputs, so backward must add.
      {{"max_pool2d", {{"size", 3}, {"stride", 1}}}, Shape{2, 5, 6}},
      {{"max_pool2d", {{"size", 3}, {"stride", 2}}}, Shape{2, 7, 6}},
      {{"avg_pool2d", {{"size", 2}}}, Shape{2, 4, 4}},
      {{"avg_pool2d", {{"size", 3}, {"stride", 1}}}, Shape{2, 5, 6}},
      {{"avg_pool2d", {{"size", 3}, {"stride", 2}}}, Shape{2, 7, 6}},
      {{"flatten", {}}, Shape{2, 3, 3}},
      {{"residual", {{"filters", 2}}}, Shape{2, 4, 4}},
      {{"residual", {{"filters", 3}, {"stride", 2}}}, Shape{2, 5, 5}},
      {{"softmax", {}}, Shape{5}},
      {{"gelu", {}}, Shape{6}},
      {{"elu", {{"alpha", 0.7}}}, Shape{6}},
      {{"silu", {}}, Shape{6}},
      {{"softplus", {{"beta", 2}, {"threshold", 1.5}}}, Shape{6}},
      {{"global_avg_pool2d", {}}, Shape{3, 4, 5}},
  };
  return cases;
}

}  // namespace scratchnet::testing
