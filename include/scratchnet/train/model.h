#pragma once
// Model: a trained network plus everything needed to use it on raw data --
// the task and loss, class and feature names, the preprocessing fitted on
// the training data (the table pipeline for CSV data, the image settings for
// image data, the scaler) and the settings it was trained with.
// Exactly what a .snm file holds (io/model_file.h); the CLI's predict and
// eval and the Python package's Model use it through the same calls.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/data/tabular.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

// What an image model expects: the size and channels images are converted
// to, and the per-channel normalisation of its [0, 1] pixels (empty: none).
struct SCRATCHNET_API ImageSettings {
  std::size_t height = 0, width = 0, channels = 0;
  std::vector<float> mean, std;  // one per channel, or empty
  friend bool operator==(const ImageSettings&, const ImageSettings&) = default;
};

struct SCRATCHNET_API Model {
  Task task = Task::kClassification;
  std::string loss;                      // "softmax_cross_entropy" or "mse"
  std::vector<std::string> class_names;  // classification
  std::vector<std::string> feature_names;
  std::optional<TabularPipeline> tabular;  // raw CSV columns -> features (tables only)
  std::optional<ImageSettings> image;      // image models only
  Scaler scaler;                           // after the pipeline: scaled features
  std::string config_toml;  // settings the model was trained with
  std::unique_ptr<Network<float>> network;

  // Applies the model's preprocessing to `data` in place: the scaler to
  // features (for tables: the pipeline's output), the channel normalisation
  // to images. Throws a data error naming data.name when the feature count
  // or the image shape does not match the model.
  void prepare(Dataset& data) const;
  // Network outputs for every sample of prepared `data`, in eval mode: (N, K);
  // with `probabilities`, classification rows through softmax.
  Tensor predict(const Dataset& data, bool probabilities) const;
};

}  // namespace scratchnet
