#pragma once
// Trainer: the mini-batch training loop.
//
// Each epoch shuffles the training samples (BatchSampler, remainder batch
// kept) and for each batch runs forward in train mode, the loss, backward and
// one optimizer step. After each epoch it evaluates the network in eval mode
// on the training, validation and test sets, reports an EpochStats to the
// observer, applies the learning-rate schedule and checks the stopping rules:
//   early stopping  the monitored validation metric has not improved by more
//                   than min_delta for `patience` epochs; the best weights are
//                   restored at the end
//   loss tolerance  seed 002's rule: the training loss changed by less than
//                   the tolerance from one epoch to the next
// Divergence guard: the loss is checked after every forward; a NaN or
// infinity stops training with a kDivergence error naming the epoch, the
// iteration and the first layer whose output went non-finite, after restoring
// the weights of the last completed epoch (the last good model).

#include <array>
#include <cstddef>
#include <functional>
#include <span>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/communicator.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/optim/schedule.h"
#include "scratchnet/train/early_stopping.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct EvalResult {
  double loss = 0;
  double accuracy = kNaN;  // classification only
  std::size_t samples = 0;
};

struct EpochStats {
  std::size_t epoch = 0;          // 1-based
  std::int64_t iteration = 0;     // optimizer steps taken so far
  double train_loss = 0;          // mean of the epoch's mini-batch losses (data term only)
  double l2_penalty = 0;          // (lambda / 2) sum(w^2) at the end of the epoch; 0 without decay
  double train_accuracy = kNaN;   // eval mode, whole training set (NaN for regression)
  double val_loss = kNaN, val_accuracy = kNaN;
  double test_loss = kNaN, test_accuracy = kNaN;
  double lr = 0;                  // the rate used during this epoch
  double seconds = 0;             // wall time of the epoch, evaluation included
  double step_seconds = 0;        // time in training steps only
  std::size_t samples = 0;        // training samples seen this epoch
};

struct StepInfo {
  std::size_t epoch, batch, batches;
  std::int64_t iteration;
  double loss;
};

class TrainObserver {
 public:
  virtual ~TrainObserver() = default;
  virtual void on_step(const StepInfo& /*step*/) {}
  virtual void on_epoch(const EpochStats& /*stats*/) {}
};

enum class Monitor { kValLoss, kValAccuracy };

struct TrainOptions {
  std::size_t epochs = 10;
  std::size_t batch_size = 32;
  std::size_t eval_batch_size = 1024;
  bool evaluate_train = true;      // full pass over the training set per epoch
  std::size_t patience = 0;        // early stopping; 0 = off (needs a validation set)
  Monitor monitor = Monitor::kValLoss;
  double min_delta = 0;
  double loss_tolerance = 0;       // 0 = off
  std::string lr_schedule = "constant";
  std::uint64_t seed = 0;          // for layer randomness (dropout masks)
  // Data parallelism: each process takes its shard of every global batch (all
  // draw the same shuffle), gradients are summed with one allreduce per step
  // and every process applies the same update. Null: a single process.
  Communicator* comm = nullptr;
};

// Everything the training loop carries from one epoch to the next, taken at
// an epoch boundary: resuming from it gives the same numbers, bit for bit, as
// never having stopped (layer randomness restarts from the run seed each epoch).
struct TrainingState {
  std::size_t epochs_done = 0;
  std::vector<EpochStats> history;
  std::array<std::uint64_t, 4> rng{};   // the shuffle generator
  double lr = 0;
  std::int64_t optimizer_steps = 0;
  std::vector<Tensor> optimizer_state;
  std::vector<double> schedule_state;
  EarlyStopping::State stopper;
  std::vector<Tensor> weights;          // parameters and buffers (Network::snapshot)
  std::vector<Tensor> best_weights;     // early stopping's best so far (may be empty)
};

struct FitResult {
  std::vector<EpochStats> history;  // one entry per epoch run
  std::size_t best_epoch = 0;       // by the monitored metric; the last epoch without one
  bool stopped_early = false;
  std::string stop_reason;          // empty when all epochs ran
};

class Trainer {
 public:
  Trainer(Network<float>& network, Loss<float>& loss, Optimizer& optimizer,
          const TrainOptions& options, Rng& rng);

  // Trains on `train`; `validation`, `test` and `observer` may be null.
  // With `resume`, continues after resume->epochs_done epochs from that state;
  // `on_epoch_end` (optional) receives the state after every completed epoch.
  FitResult fit(const Dataset& train, const Dataset* validation, const Dataset* test,
                TrainObserver* observer, const TrainingState* resume = nullptr,
                const std::function<void(const TrainingState&)>& on_epoch_end = {});
  // The state at the last completed epoch boundary (after an interrupt, what
  // a checkpoint should hold).
  const TrainingState& boundary_state() const { return boundary_; }
  // Mean loss and accuracy over `data`, in eval mode.
  EvalResult evaluate(const Dataset& data);
  // One optimizer step on a batch; returns the batch loss. A non-finite loss
  // is returned without a backward pass or an update.
  double step(const Tensor& x, const Targets<float>& targets);
  // One data-parallel step: this process's `shard` of a global batch of
  // `global_size` samples; returns the global batch's mean loss.
  double parallel_step(const Dataset& train, std::span<const std::size_t> shard,
                       std::size_t global_size);
  // Time spent in gradient allreduces, and their count (data-parallel runs).
  double allreduce_seconds() const { return allreduce_seconds_; }
  std::size_t allreduce_calls() const { return allreduce_calls_; }
  // (lambda / 2) sum of w^2 over decayed parameters; 0 for AdamW (decoupled).
  double l2_penalty() const;

 private:
  Network<float>& network_;
  Loss<float>& loss_;
  Optimizer& optimizer_;
  TrainOptions options_;
  Rng& rng_;
  // Batch buffers, reused every step.
  Tensor x_, y_;
  std::vector<std::int32_t> labels_;
  std::vector<std::size_t> eval_indices_;
  TrainingState boundary_;
  std::vector<float> fused_;  // gradients (and the loss) in one allreduce buffer
  double allreduce_seconds_ = 0;
  std::size_t allreduce_calls_ = 0;
};

// Index of the largest value in each row of `scores` -> `out` (resized).
void argmax_rows(const Tensor& scores, std::vector<std::int32_t>& out);

}  // namespace scratchnet
