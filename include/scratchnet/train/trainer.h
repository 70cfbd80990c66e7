#pragma once
// Trainer: the mini-batch training loop.
//
// Each epoch shuffles the training samples (BatchSampler, remainder batch
// kept) and for each batch runs forward in train mode, the loss, backward,
// and one optimizer step. After each epoch it evaluates the network in eval
// mode on the training and test sets and reports an EpochStats to the
// observer. A non-finite loss stops training with a kDivergence error naming
// the epoch and iteration.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "scratchnet/core/rng.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

struct EvalResult {
  double loss = 0;
  double accuracy = std::numeric_limits<double>::quiet_NaN();  // classification only
  std::size_t samples = 0;
};

struct EpochStats {
  std::size_t epoch = 0;          // 1-based
  std::int64_t iteration = 0;     // optimizer steps taken so far
  double train_loss = 0;          // mean of the epoch's mini-batch losses
  double train_accuracy = 0;      // eval mode, whole training set (NaN for regression)
  double test_loss = 0;
  double test_accuracy = 0;       // NaN for regression or without a test set
  double lr = 0;
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

struct TrainOptions {
  std::size_t epochs = 10;
  std::size_t batch_size = 32;
  std::size_t eval_batch_size = 1024;
  bool evaluate_train = true;  // full pass over the training set per epoch
};

class Trainer {
 public:
  Trainer(Network<float>& network, Loss<float>& loss, Optimizer& optimizer,
          const TrainOptions& options, Rng& rng);

  // Trains for options.epochs epochs; `test` and `observer` may be null.
  std::vector<EpochStats> fit(const Dataset& train, const Dataset* test, TrainObserver* observer);
  // Mean loss and accuracy over `data`, in eval mode.
  EvalResult evaluate(const Dataset& data);
  // One optimizer step on a batch; returns the batch loss.
  double step(const Tensor& x, const Targets<float>& targets);

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
};

// Index of the largest value in each row of `scores` -> `out` (resized).
void argmax_rows(const Tensor& scores, std::vector<std::int32_t>& out);

}  // namespace scratchnet
