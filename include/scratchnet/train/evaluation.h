#pragma once
// Evaluation of a trained model on labelled data: predictions, the confusion
// matrix, per-class precision, recall and F1, and the scores that do not
// favour the common classes: balanced accuracy and macro F1 (defined as
// scikit-learn's balanced_accuracy_score and f1_score(average="macro")).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

struct SCRATCHNET_API ClassificationReport {
  std::vector<std::string> class_names;
  // confusion[t][p]: samples of true class t predicted as p.
  std::vector<std::vector<std::size_t>> confusion;
  std::vector<double> precision, recall;  // NaN where undefined (no predictions / no samples)
  // 2 TP / (2 TP + FP + FN): 0 when precision or recall is undefined, NaN for a
  // class neither present nor predicted.
  std::vector<double> f1;
  std::vector<std::size_t> support;       // samples per true class
  double accuracy = 0;
  // Mean recall over the classes present in the truth.
  double balanced_accuracy = 0;
  // Mean F1 over the classes present in the truth or the predictions.
  double macro_f1 = 0;
  std::size_t samples = 0;
};

SCRATCHNET_API ClassificationReport
classification_report(std::span<const std::int32_t> truth, std::span<const std::int32_t> predicted,
                      const std::vector<std::string>& class_names);

// Rows per eval-mode forward: as many as keep the layers' outputs (each
// layer holds its own) within kEvalOutputBytes, from 64 to 1024. A LeNet-5
// pass over 1024 images held 60 MB of them, more than its training steps;
// an MLP's stay small at 1024 rows. The rows of a forward do not change its
// numbers (each output row is computed alone).
inline constexpr std::size_t kEvalOutputBytes = std::size_t(8) << 20;
SCRATCHNET_API std::size_t eval_batch_rows(const Network<float>& network);

// Network outputs for every sample of `data` in eval mode, in batches: (N, K).
// With `probabilities`, each row is passed through softmax.
SCRATCHNET_API Tensor predict_outputs(Network<float>& network, const Dataset& data,
                                      bool probabilities);

// Maps the labels of `data` to the ids of `model_classes` by class name, so a
// file with fewer classes or another order evaluates correctly. Throws a data
// error naming a class the model does not know.
SCRATCHNET_API void align_classes(Dataset& data, const std::vector<std::string>& model_classes);

}  // namespace scratchnet
