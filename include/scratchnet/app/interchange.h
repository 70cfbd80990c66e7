#pragma once
// Taking a model elsewhere and bringing weights back, as `scratchnet export`
// and `scratchnet import` do (the formats themselves are io/onnx_export.h,
// io/safetensors_weights.h):
//   export   a model file to ONNX (the preprocessing and network in one
//            graph) or to safetensors (the network's weights with PyTorch's
//            names and layouts, the rest as metadata);
//   import   safetensors weights into the architecture and preprocessing of
//            a "like" model: a model file (its preprocessing and settings are
//            kept), or a TOML config. With a TOML, the input shape, the task
//            and the class and feature names come from the data set its
//            [data] section names, loaded as `scratchnet train` would load
//            it; there is no preprocessing (scaling "none"): the weights must
//            take the features as the data set gives them (images: pixel /
//            255 in [0, 1]). The settings stored in the model are the TOML's,
//            resolved, with data.scale = "none", so `scratchnet eval` finds
//            the same data set and test split.
//   init_from  a training run that starts from a saved model's weights
//            (model.init_from): the same architecture, checked layer by layer.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/io/onnx_export.h"
#include "scratchnet/io/safetensors_weights.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

enum class ExportFormat { kOnnx, kSafetensors };
ExportFormat parse_export_format(
    const std::string& text);  // "onnx" | "safetensors"; usage error otherwise
std::string to_string(ExportFormat format);

struct ExportSummary {
  std::string description;  // one line: what was written
  std::vector<std::string>
      notes;  // what the user must know (the tabular encoding stays outside the graph)
  std::size_t bytes = 0;
};

// Writes `model` to `path` in `format` (atomically). Usage errors name a
// layer that cannot be expressed.
ExportSummary export_model(const Model& model, ExportFormat format, const std::string& path,
                           const OnnxExportOptions& onnx = {});

// The model imported weights go into (see above): `path` ends in .toml for a
// config, else it is a model file. Its weights are initial values, all of
// which an import replaces.
Model model_like(const std::string& path);

// Reads the safetensors file `path` into `model`'s network (all checked first:
// io/safetensors_weights.h).
WeightImport import_weights(Model& model, const std::string& path);

// Replaces the weights and buffers of `network` with those of the model file
// `path` (model.init_from). A usage error names the file and the first layer
// where the architectures differ.
void load_initial_weights(Network<float>& network, const std::string& path);

}  // namespace scratchnet
