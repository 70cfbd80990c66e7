#pragma once
// Trainer: the mini-batch training loop, as a plain loop with callbacks.
//
// Each epoch shuffles the training samples (BatchSampler, remainder batch
// kept) and for each batch runs forward in train mode, the loss, backward and
// one optimizer step (PyTorch's explicit loop: zero_grad, forward, backward,
// step). After each epoch it evaluates the network in eval mode on the
// training set (or keeps the running means of the epoch's batches), the
// validation set and (every test_every epochs) the test set, and hands the EpochStats to the
// callbacks, which decide the rest: early stopping, the learning-rate
// schedule, stop rules, progress, metrics files, checkpoints
// (train/callbacks.h has the standard ones; the run layer adds its own).
// A step whose loss is not finite changes nothing; the DivergenceGuard
// callback turns it into an error.
//
// Data parallelism: with a Communicator of several processes, each process
// takes its shard of every global batch (all draw the same shuffle),
// gradients are summed with one allreduce per step and every process applies
// the same update; batch-norm running statistics are averaged every epoch.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/communicator.h"
#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/data/batcher.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/image_augment.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/batch_parallel.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/training_state.h"

namespace scratchnet {

struct SCRATCHNET_API EvalResult {
  double loss = 0;
  double accuracy = kNaN;  // classification only
  std::size_t samples = 0;
};

struct SCRATCHNET_API TrainOptions {
  std::size_t epochs = 10;
  std::size_t batch_size = 32;
  std::size_t eval_batch_size = 0;  // rows per eval-mode forward; 0: eval_batch_rows(network)
  // true: train_accuracy from a full eval-mode pass over the training set per
  // epoch (train.train_metrics full); false: the running accuracy over the
  // epoch's mini-batches, counted from the training steps' outputs (free).
  bool evaluate_train = true;
  std::size_t test_every = 1;      // the test set every N epochs and after the last
  std::uint64_t seed = 0;          // for layer randomness (dropout masks) and augmentation
  // Augmentation of training image batches (data/image_augment.h), drawn
  // from a seed per (epoch, batch): the same seed gives the same batches,
  // resumed runs included.
  ImageAugmentOptions augment;
  Communicator* comm = nullptr;    // data parallelism; null: a single process
  // The most shares a batch is cut into for a batch-parallel step
  // (train/batch_parallel.h: the kernel threads take the shares side by
  // side); how many a batch gets depends on its size and the network only,
  // never on the thread count, so 1 and 2 threads give the same numbers.
  // Measured on the idle 2-core machine (bench_train steps, median us per
  // step, 1 -> 2 shares): MLP b128 628 -> 366, b1024 2764 -> 2499, LeNet-5
  // b64 1606 -> 822, AReM b100 33.0 -> 23.1; on one thread 2 shares cost
  // 3-10% more (the replica's parameter copy and gradient sum). 1: plain steps.
  std::size_t max_shares = 2;
};

// The data of a fit; validation and test may be null.
struct SCRATCHNET_API FitData {
  const Dataset* train = nullptr;
  const Dataset* validation = nullptr;
  const Dataset* test = nullptr;
  bool has_validation() const { return validation != nullptr && validation->size() > 0; }
};

// What callbacks decide at the end of an epoch.
struct SCRATCHNET_API EpochControl {
  bool stop = false;
  std::string reason;
};

class Trainer;

// Hooks into the loop. The trainer calls each in the order given to fit().
class SCRATCHNET_API TrainCallback {
 public:
  virtual ~TrainCallback() = default;
  // Before the first epoch; `resume` is the state being resumed from, or null.
  virtual void on_fit_begin(Trainer& /*trainer*/, const FitData& /*data*/, const TrainingState* /*resume*/) {}
  // After every optimizer step (may throw to end training).
  virtual void on_step(Trainer& /*trainer*/, const StepInfo& /*step*/) {}
  // After every epoch's evaluation; may ask to stop.
  virtual void on_epoch_end(Trainer& /*trainer*/, const EpochStats& /*stats*/, EpochControl& /*control*/) {}
  // After the epoch boundary state is taken (not after the last epoch).
  virtual void on_boundary(Trainer& /*trainer*/, const TrainingState& /*state*/) {}
  // After the last epoch; may adjust the result (early stopping's best epoch).
  virtual void on_fit_end(Trainer& /*trainer*/, FitResult& /*result*/) {}
  // Puts this callback's state into a boundary state.
  virtual void save(TrainingState& /*state*/) const {}
};

class SCRATCHNET_API Trainer {
 public:
  Trainer(Network<float>& network, Loss<float>& loss, Optimizer& optimizer,
          const TrainOptions& options, Rng& rng);

  // Trains on data.train for options.epochs epochs (after resume->epochs_done
  // when resuming from `resume`), calling `callbacks` in order.
  FitResult fit(const FitData& data, std::span<TrainCallback* const> callbacks,
                const TrainingState* resume = nullptr);
  // The state at the last completed epoch boundary (after an interrupt, what
  // a checkpoint should hold).
  const TrainingState& boundary_state() const { return boundary_; }
  // Mean loss and accuracy over `data`, in eval mode.
  EvalResult evaluate(const Dataset& data);
  // One optimizer step on a batch; returns the batch loss. A non-finite loss
  // is returned without a backward pass or an update. Batches that
  // BatchParallelStep::shares_for cuts into shares take a batch-parallel step.
  // Classification steps count the batch's correct predictions (last_step_correct).
  double step(const Tensor& x, const Targets<float>& targets);
  // The first layer whose output in the last training step's forward is
  // not finite, or -1 (for the divergence message).
  int first_non_finite_layer() const;
  // Samples the last step (or data-parallel step, over all processes)
  // classified correctly, by the train-mode outputs before the update.
  std::size_t last_step_correct() const { return last_correct_; }
  // One data-parallel step: this process's `shard` of a global batch of
  // `global_size` samples; returns the global batch's mean loss.
  double parallel_step(const Dataset& train, std::span<const std::size_t> shard,
                       std::size_t global_size, const std::function<void(Tensor&)>& augment = {});
  // Time spent in gradient allreduces, and their count (data-parallel runs).
  double allreduce_seconds() const { return allreduce_seconds_; }
  std::size_t allreduce_calls() const { return allreduce_calls_; }
  // (lambda / 2) sum of w^2 over decayed parameters; 0 for decoupled decay (AdamW).
  double l2_penalty() const;

  Network<float>& network() { return network_; }
  Loss<float>& loss() { return loss_; }
  Optimizer& optimizer() { return optimizer_; }
  const TrainOptions& options() const { return options_; }

 private:
  bool parallel() const { return options_.comm != nullptr && options_.comm->size() > 1; }
  // Runs one epoch's steps over the sampler's order; fills the training
  // loss, the running accuracy and the step time of `stats`.
  void run_epoch(const Dataset& train, const BatchSampler& sampler, std::size_t epoch,
                 std::span<TrainCallback* const> callbacks, EpochStats& stats);
  void take_boundary(std::size_t epochs_done, const std::vector<EpochStats>& history,
                     std::span<TrainCallback* const> callbacks);

  Network<float>& network_;
  Loss<float>& loss_;
  Optimizer& optimizer_;
  TrainOptions options_;
  Rng& rng_;
  // Batch buffers, reused every step.
  Tensor x_, y_;
  std::vector<std::int32_t> labels_, predicted_;
  std::size_t last_correct_ = 0;
  std::vector<std::size_t> eval_indices_;
  TrainingState boundary_;
  std::vector<float> fused_;  // gradients (and the loss) in one allreduce buffer
  std::unique_ptr<BatchParallelStep> batch_parallel_;  // made at the first batch-parallel step
  bool last_step_parallel_ = false;
  double allreduce_seconds_ = 0;
  std::size_t allreduce_calls_ = 0;
};

// Index of the largest value in each row of `scores` -> `out` (resized).
SCRATCHNET_API void argmax_rows(const Tensor& scores, std::vector<std::int32_t>& out);

}  // namespace scratchnet
