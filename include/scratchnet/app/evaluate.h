#pragma once
// Evaluating a saved model on labelled data, as `scratchnet eval` does:
// accuracy, per-class precision and recall and the confusion matrix for
// classification; MSE and RMSE for regression.
//
// Which data: a data set as `--data` names it (default: the one the model
// was trained on, read from its stored settings) and a split of it: the
// training run's own test or training part (the same seeded split), or all
// of it. Split "auto" is the test part when the data is the training data,
// and all of it otherwise.

#include <cstddef>
#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/train/evaluation.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

enum class EvalSplit { kAuto, kTest, kTrain, kAll };
// Parses a split name; an unknown one is a usage error naming the choices.
SCRATCHNET_API EvalSplit parse_eval_split(const std::string& text);
SCRATCHNET_API std::string to_string(EvalSplit split);

struct SCRATCHNET_API EvaluationReport {
  std::string what;  // "digits (test split)"
  Task task = Task::kClassification;
  std::size_t samples = 0;
  ClassificationReport classification;  // classification only
  double mse = 0, rmse = 0;              // regression only
};

// The labelled data `model` is evaluated on: `source` (empty: the model's
// own data set) with CSV label column `label` (empty: the stored one), the
// part `split` selects. Raw: Model::prepare has not been applied.
SCRATCHNET_API Dataset evaluation_data(const Model& model, const std::string& source,
                                       const std::string& label, EvalSplit split,
                                       std::string* what = nullptr);
// Evaluates `model` on raw labelled `data` (prepared here; class names are
// matched to the model's by name). `what` names the data in the report.
SCRATCHNET_API EvaluationReport evaluate_model(const Model& model, Dataset data,
                                               const std::string& what);
// The report as JSON.
SCRATCHNET_API std::string evaluation_json(const EvaluationReport& report);

}  // namespace scratchnet
