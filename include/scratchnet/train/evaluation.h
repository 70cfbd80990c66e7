#pragma once
// Evaluation of a trained model on labelled data: predictions, the confusion
// matrix and per-class precision and recall.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/tensor.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

struct ClassificationReport {
  std::vector<std::string> class_names;
  // confusion[t][p]: samples of true class t predicted as p.
  std::vector<std::vector<std::size_t>> confusion;
  std::vector<double> precision, recall;  // NaN where undefined (no predictions / no samples)
  std::vector<std::size_t> support;       // samples per true class
  double accuracy = 0;
  std::size_t samples = 0;
};

ClassificationReport classification_report(std::span<const std::int32_t> truth,
                                           std::span<const std::int32_t> predicted,
                                           const std::vector<std::string>& class_names);

// Network outputs for every sample of `data` in eval mode, in batches: (N, K).
// With `probabilities`, each row is passed through softmax.
Tensor predict_outputs(Network<float>& network, const Dataset& data, bool probabilities);

// Maps the labels of `data` to the ids of `model_classes` by class name, so a
// file with fewer classes or another order evaluates correctly. Throws a data
// error naming a class the model does not know.
void align_classes(Dataset& data, const std::vector<std::string>& model_classes);

}  // namespace scratchnet
