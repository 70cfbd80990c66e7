#pragma once
// K-fold cross-validation on the training part of a run (train.cv K): the
// training rows are cut into K stratified folds (seeded); for each fold a
// model is trained exactly as the run would train it -- tables refit their
// pipeline on the fold's own training rows, the scaler is fitted on them,
// a validation share is carved from them when the run has one -- and tested
// on the fold's held-out rows. Nothing is written and the run's test part is
// never touched: it stays for the one evaluation of the final model.
//
// Small tables (hundreds of rows) give a comparison that is not a coin toss
// this way: the mean and spread over K held-out scores instead of one split.

#include <cstddef>
#include <functional>
#include <vector>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/app/run.h"
#include "scratchnet/core/export.h"
#include "scratchnet/core/mean_std.h"

namespace scratchnet {

struct SCRATCHNET_API CrossValidation {
  std::vector<RunSummary> folds;  // one per fold: its held-out metrics as test_*
  MeanStd accuracy, loss, balanced_accuracy, macro_f1;  // over the folds (loss: MSE for regression)
  std::size_t train_rows = 0, held_out_rows = 0;        // per fold (the first fold's)
};

// Requires resolved.cv >= 2 and `data` as load_and_split gives it (not yet
// scaled). `progress`, when given, is called after each fold.
SCRATCHNET_API CrossValidation cross_validate(
    const TrainConfig& resolved, const PreparedData& data,
    const std::function<void(std::size_t fold, std::size_t folds, const RunSummary& summary)>&
        progress = {});

}  // namespace scratchnet
