#pragma once
// Model: a trained network plus everything needed to use it on raw data --
// the task and loss, class and feature names, the preprocessing fitted on
// the training data (the scaler) and the settings it was trained with.
// Exactly what a .snm file holds (io/model_file.h); the CLI's predict and
// eval and the Python package's Model use it through the same calls.

#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

struct SCRATCHNET_API Model {
  Task task = Task::kClassification;
  std::string loss;                      // "softmax_cross_entropy" or "mse"
  std::vector<std::string> class_names;  // classification
  std::vector<std::string> feature_names;
  Scaler scaler;
  std::string config_toml;  // settings the model was trained with
  std::unique_ptr<Network<float>> network;

  // Applies the model's preprocessing to `data` in place (features as the
  // network takes them). Throws a data error naming data.name when the
  // feature count or the task does not match the model.
  void prepare(Dataset& data) const;
  // Network outputs for every sample of prepared `data`, in eval mode: (N, K);
  // with `probabilities`, classification rows through softmax.
  Tensor predict(const Dataset& data, bool probabilities) const;
};

}  // namespace scratchnet
