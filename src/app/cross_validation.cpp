#include "scratchnet/app/cross_validation.h"

#include "scratchnet/core/error.h"
#include "scratchnet/data/split.h"

namespace scratchnet {
namespace {

// The parts of one fold: its training rows and its held-out rows (as "test").
std::vector<PreparedData> fold_data(const TrainConfig& config, std::size_t k, const PreparedData& data, Rng& rng) {
  std::vector<PreparedData> folds;
  if (data.table) {
    // Tables: folds of table rows, each with a pipeline fitted on its own training rows.
    for (const SplitIndices& fold : kfold_rows(*data.table, data.train_rows, k, rng)) {
      TabularFold f = fit_fold(*data.table, fold, config.tabular);
      PreparedData p;
      p.train = std::move(f.train.data);
      p.test = std::move(f.held_out.data);
      p.tabular = std::move(f.pipeline);
      folds.push_back(std::move(p));
    }
    return folds;
  }
  for (const SplitIndices& fold : kfold_splits(data.train, k, rng)) {
    PreparedData p;
    p.train = data.train.subset(fold.kept);
    p.test = data.train.subset(fold.held_out);
    p.image = data.image;
    folds.push_back(std::move(p));
  }
  return folds;
}

}  // namespace

CrossValidation cross_validate(
    const TrainConfig& resolved, const PreparedData& data,
    const std::function<void(std::size_t fold, std::size_t folds, const RunSummary& summary)>& progress) {
  if (resolved.cv < 2) throw_usage("train.cv: cross-validation needs at least 2 folds, got {}", resolved.cv);
  if (data.train.size() < resolved.cv)
    throw_data("{}: {} training samples cannot make {} folds", data.train.name, data.train.size(), resolved.cv);
  TrainConfig config = resolved;
  config.cv = 0;
  config.evaluate_test = 1;  // the fold's held-out rows
  config.checkpoint_every = 0;
  config.diagnostics = "off";
  Rng fold_rng = run_stream(config.seed, RunStream::kFolds);
  std::vector<PreparedData> folds = fold_data(config, resolved.cv, data, fold_rng);
  CrossValidation cv;
  std::vector<double> accuracy, loss, balanced, macro_f1;
  const double fraction = config.effective_validation_fraction();
  for (std::size_t k = 0; k < folds.size(); ++k) {
    PreparedData& fold = folds[k];
    if (fraction > 0) {
      // As the run carves its validation share from its training part.
      Dataset rest = std::move(fold.train);
      const SplitIndices inner = split_dataset(rest, fraction, fold_rng);
      fold.train = rest.subset(inner.kept);
      fold.validation = rest.subset(inner.held_out);
    }
    if (k == 0) {
      cv.train_rows = fold.train.size() + fold.validation.size();
      cv.held_out_rows = fold.test.size();
    }
    const RunSummary s = train_on(config, fold, nullptr, false);
    accuracy.push_back(s.test_accuracy);
    loss.push_back(s.test_loss);
    balanced.push_back(s.test_balanced_accuracy);
    macro_f1.push_back(s.test_macro_f1);
    cv.folds.push_back(s);
    if (progress) progress(k + 1, folds.size(), s);
  }
  cv.accuracy = mean_std(accuracy);
  cv.loss = mean_std(loss);
  cv.balanced_accuracy = mean_std(balanced);
  cv.macro_f1 = mean_std(macro_f1);
  return cv;
}

}  // namespace scratchnet
