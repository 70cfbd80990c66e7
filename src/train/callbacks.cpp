#include "scratchnet/train/callbacks.h"

#include <cmath>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {

void DivergenceGuard::on_step(Trainer& trainer, const StepInfo& step) {
  if (std::isfinite(step.loss)) return;
  Network<float>& net = trainer.network();
  const int layer = trainer.first_non_finite_layer();
  const std::string where =
      layer < 0 ? "the network outputs are finite, so the loss itself overflowed"
                : fmt::format("layer {} ({}) is the first whose output is not finite", layer + 1,
                              net.layer(static_cast<std::size_t>(layer)).spec().str());
  net.restore(trainer.boundary_state().weights);
  throw Error(ErrorKind::kDivergence,
              fmt::format("training diverged at epoch {}, iteration {}: the loss is {}; {}. "
                          "The {} are kept. Try a smaller learning rate.",
                          step.epoch, step.iteration + 1, step.loss, where,
                          step.epoch == 1 ? "initial weights" : fmt::format("weights of epoch {}", step.epoch - 1)));
}

EarlyStoppingCallback::EarlyStoppingCallback(std::size_t patience, Monitor monitor, double min_delta)
    : patience_(patience),
      monitor_(monitor),
      stopper_(monitor == Monitor::kValLoss ? EarlyStopping::Goal::kMinimize : EarlyStopping::Goal::kMaximize,
               patience, min_delta) {}

void EarlyStoppingCallback::on_fit_begin(Trainer& /*trainer*/, const FitData& data, const TrainingState* resume) {
  active_ = data.has_validation();
  if (patience_ > 0 && !active_)
    throw_usage("early stopping needs a validation split (set data.validation_fraction)");
  if (patience_ > 0 && monitor_ == Monitor::kValAccuracy && data.train->task == Task::kRegression)
    throw_usage("monitor val_accuracy needs a classification task; use val_loss");
  if (resume != nullptr) {
    stopper_.set_state(resume->stopper);
    best_weights_ = resume->best_weights;
  }
}

void EarlyStoppingCallback::on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) {
  if (!active_) return;
  const bool by_loss = monitor_ == Monitor::kValLoss;
  const auto decision = stopper_.observe(stats.epoch, by_loss ? stats.val_loss : stats.val_accuracy);
  if (decision.improved && patience_ > 0) best_weights_ = trainer.network().snapshot();
  if (decision.stop && !control.stop) {
    control.stop = true;
    control.reason = fmt::format("early stopping: {} has not improved for {} epochs; restored the weights of epoch {}",
                                 by_loss ? "val_loss" : "val_accuracy", patience_, stopper_.best_epoch());
  }
}

void EarlyStoppingCallback::on_fit_end(Trainer& trainer, FitResult& result) {
  if (!active_) return;
  result.best_epoch = stopper_.best_epoch();
  if (patience_ > 0 && !best_weights_.empty()) trainer.network().restore(best_weights_);
}

void EarlyStoppingCallback::save(TrainingState& state) const {
  state.stopper = stopper_.state();
  state.best_weights = best_weights_;
}

void LossToleranceCallback::on_fit_begin(Trainer& /*trainer*/, const FitData& /*data*/, const TrainingState* resume) {
  if (resume != nullptr && !resume->history.empty()) previous_ = resume->history.back().train_loss;
}

void LossToleranceCallback::on_epoch_end(Trainer& /*trainer*/, const EpochStats& stats, EpochControl& control) {
  const double previous = previous_;
  previous_ = stats.train_loss;
  if (control.stop || tolerance_ <= 0 || stats.epoch <= 1) return;
  if (std::abs(stats.train_loss - previous) < tolerance_) {
    control.stop = true;
    control.reason = fmt::format("the training loss changed by less than {:g}", tolerance_);
  }
}

LrScheduleCallback::LrScheduleCallback(const std::string& schedule, double base_lr, std::size_t total_epochs)
    : schedule_(LrSchedule::parse(schedule, base_lr, total_epochs)) {}

void LrScheduleCallback::on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) {
  watch_validation_ = data.has_validation();
  if (resume != nullptr) schedule_->set_state(resume->schedule_state);
  if (!schedule_->per_step()) return;
  const std::size_t batch = trainer.options().batch_size;
  steps_per_epoch_ = (data.train->size() + batch - 1) / batch;
  Optimizer& optimizer = trainer.optimizer();
  optimizer.set_lr(schedule_->step_lr(optimizer.steps(), steps_per_epoch_));
}

void LrScheduleCallback::on_step(Trainer& trainer, const StepInfo& /*step*/) {
  if (!schedule_->per_step()) return;
  Optimizer& optimizer = trainer.optimizer();
  optimizer.set_lr(schedule_->step_lr(optimizer.steps(), steps_per_epoch_));
}

void LrScheduleCallback::on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) {
  if (control.stop || schedule_->per_step()) return;
  Optimizer& optimizer = trainer.optimizer();
  optimizer.set_lr(schedule_->next_lr(stats.epoch, optimizer.lr(), watch_validation_ ? stats.val_loss : stats.train_loss));
}

void LrScheduleCallback::save(TrainingState& state) const { state.schedule_state = schedule_->state(); }

}  // namespace scratchnet
