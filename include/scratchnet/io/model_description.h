#pragma once
// JSON descriptions of a model's parts, for the metadata of the files that
// take a model elsewhere (ONNX metadata_props, the __metadata__ of a
// safetensors file). Numbers are written so that they read back as the same
// float (shortest round-trip form); every layer attribute is written with its
// resolved value, defaults included.
//
//   architecture   {"input_shape": [1, 28, 28],
//                   "layers": [{"type": "conv2d", "filters": 6, "kernel": 5, ...}, ...]}
//   preprocessing  {"scaler": "none"}, or {"scaler": "standard", "offset": [...],
//                  "factor": [...]}: x' = (x - offset) * factor per feature, in the
//                  input sample's row-major order; images normalised per channel
//                  also have "channel_mean" and "channel_std": x' = (x - mean[c]) /
//                  std[c], applied before the scaler
//   encoding       the tabular pipeline (data/tabular.h) that turns a table's
//                  raw columns into the feature vector the scaler takes:
//                  {"columns": [{"name": "age", "kind": "numeric", "fill": 38,
//                   "missing_indicator": false}, {"name": "color", "kind":
//                   "categorical", "categories": ["blue", "red"], "fill": "red",
//                   "missing_indicator": true}], "impute": "median",
//                   "features": ["age", "color=blue", "color=red", "color missing"]}

#include <string>
#include <vector>

#include "scratchnet/data/scaler.h"
#include "scratchnet/data/tabular.h"
#include "scratchnet/train/model.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

// A float as JSON: the shortest text that reads back as the same float; null
// when not finite.
std::string json_float(float value);
std::string json_string_array(const std::vector<std::string>& items);
std::string json_float_array(const std::vector<float>& values);

// What a model does to its input before the network, as exporters see it.
struct InputPreprocessing {
  const TabularPipeline* encoding = nullptr;  // raw table columns -> features (outside any graph)
  std::vector<float> channel_mean, channel_std;  // images: (x - mean[c]) / std[c]; empty: none
  Scaler scaler;                                 // then per feature: (x - offset) * factor
};
// The preprocessing of `model`: the one place exporters read the Model's
// preprocessing fields (scaler, table pipeline, per-channel image statistics).
InputPreprocessing input_preprocessing(const Model& model);

std::string task_name(Task task);  // "classification" | "regression"
std::string architecture_json(const Architecture& architecture);
std::string preprocessing_json(const InputPreprocessing& preprocessing);
std::string tabular_encoding_json(const TabularPipeline& pipeline);

}  // namespace scratchnet
