#pragma once
// The standard training callbacks (see TrainCallback in train/trainer.h).
//
//   DivergenceGuard        a non-finite loss stops training with a kDivergence
//                          error naming the epoch, the iteration and the first
//                          layer whose output went non-finite, after restoring
//                          the weights of the last completed epoch (the last
//                          good model). Put it first, so nothing sees the step.
//   EarlyStoppingCallback  tracks the best epoch of the monitored validation
//                          metric; with patience > 0 stops after `patience`
//                          epochs without an improvement larger than
//                          min_delta and restores the best weights at the end
//   LossToleranceCallback  seed 002's rule: stop when the training loss
//                          changed by less than the tolerance in one epoch
//   LrScheduleCallback     sets the optimizer's rate for the next epoch from a
//                          schedule (optim/schedule.h), or for the next step
//                          from a per-step one (warmup_cosine); the optimizer
//                          owns the current rate, the schedule only changes it
// Order them: guard, progress/metrics, early stopping, loss tolerance,
// schedule (a stopping epoch leaves the rate alone), checkpoints.

#include <cstddef>
#include <memory>
#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/optim/schedule.h"
#include "scratchnet/train/early_stopping.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

class SCRATCHNET_API DivergenceGuard final : public TrainCallback {
 public:
  void on_step(Trainer& trainer, const StepInfo& step) override;
};

class SCRATCHNET_API EarlyStoppingCallback final : public TrainCallback {
 public:
  EarlyStoppingCallback(std::size_t patience, Monitor monitor, double min_delta);
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;
  void on_fit_end(Trainer& trainer, FitResult& result) override;
  void save(TrainingState& state) const override;

 private:
  std::size_t patience_;
  Monitor monitor_;
  EarlyStopping stopper_;
  bool active_ = false;  // a validation set exists
  std::vector<Tensor> best_weights_;
};

class SCRATCHNET_API LossToleranceCallback final : public TrainCallback {
 public:
  explicit LossToleranceCallback(double tolerance) : tolerance_(tolerance) {}
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;

 private:
  double tolerance_;
  double previous_ = kNaN;  // the last epoch's training loss
};

class SCRATCHNET_API LrScheduleCallback final : public TrainCallback {
 public:
  // `base_lr`: the configured rate the closed-form rules start from.
  LrScheduleCallback(const std::string& schedule, double base_lr, std::size_t total_epochs);
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_step(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;
  void save(TrainingState& state) const override;

 private:
  std::unique_ptr<LrSchedule> schedule_;
  std::size_t steps_per_epoch_ = 1;  // per-step schedules
  bool watch_validation_ = false;  // plateau watches val_loss when there is a validation set
};

}  // namespace scratchnet
