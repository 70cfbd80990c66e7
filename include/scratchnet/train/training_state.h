#pragma once
// The records of a training loop: per-step and per-epoch statistics, the
// result of a fit, and the state at an epoch boundary that checkpoints hold.

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/train/early_stopping.h"

namespace scratchnet {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SCRATCHNET_API StepInfo {
  std::size_t epoch, batch, batches;
  std::int64_t iteration;
  double loss;
};

struct SCRATCHNET_API EpochStats {
  std::size_t epoch = 0;          // 1-based
  std::int64_t iteration = 0;     // optimizer steps taken so far
  // The running mean of the epoch's mini-batch losses (data term only), in
  // train mode (dropout active) while the weights change: cheap, but not
  // the loss of the epoch's final model.
  double train_loss = 0;
  double l2_penalty = 0;          // (lambda / 2) sum(w^2) at the end of the epoch; 0 without decay
  // The full eval-mode pass over the training set at the end of the epoch
  // (TrainOptions::evaluate_train; NaN without it): the same model and mode
  // as the test metrics, so that learning curves show over-fitting.
  double train_accuracy = kNaN;   // NaN for regression
  double train_eval_loss = kNaN;  // data term only
  double val_loss = kNaN, val_accuracy = kNaN;
  double test_loss = kNaN, test_accuracy = kNaN;
  double lr = 0;                  // the rate used during this epoch
  double seconds = 0;             // wall time of the epoch, evaluation included
  double step_seconds = 0;        // time in training steps only
  std::size_t samples = 0;        // training samples seen this epoch
};

struct SCRATCHNET_API FitResult {
  std::vector<EpochStats> history;  // one entry per epoch run
  std::size_t best_epoch = 0;       // by the monitored metric; the last epoch without one
  bool stopped_early = false;
  std::string stop_reason;          // empty when all epochs ran
};

// Everything the training loop carries from one epoch to the next, taken at
// an epoch boundary: resuming from it gives the same numbers, bit for bit, as
// never having stopped (layer randomness restarts from the run seed each
// epoch). The loop fills the first part; callbacks fill their own fields.
struct SCRATCHNET_API TrainingState {
  std::size_t epochs_done = 0;
  std::vector<EpochStats> history;
  std::array<std::uint64_t, 4> rng{};   // the shuffle generator
  double lr = 0;
  std::int64_t optimizer_steps = 0;
  std::vector<Tensor> optimizer_state;
  std::vector<Tensor> weights;          // parameters and buffers (Network::snapshot)
  // Callbacks' state.
  std::vector<double> schedule_state;   // LrScheduleCallback
  EarlyStopping::State stopper;         // EarlyStoppingCallback
  std::vector<Tensor> best_weights;     // EarlyStoppingCallback's best so far (may be empty)
};

}  // namespace scratchnet
