#pragma once
// train.stop_at: stop training once a validation metric reaches a target,
// and record when (issue 20, time to accuracy).
//
//   StopTarget      "val_accuracy>=0.90" or "val_loss<=0.30", parsed and
//                   checked: validation metrics only. Stopping on a test
//                   metric would select the model on the test set, and its
//                   test accuracy would no longer estimate unseen data.
//   StopAtCallback  after each epoch, compares the target's metric; the
//                   first epoch that meets it ends training (unless another
//                   callback stopped it already) and is recorded with the
//                   wall time since the fit began (resumed epochs included).
//                   Without a target it records nothing and never stops.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

struct SCRATCHNET_API StopTarget {
  Monitor metric = Monitor::kValAccuracy;
  double value = 0;

  // `text` as METRIC>=X (val_accuracy) or METRIC<=X (val_loss), spaces
  // allowed; empty text: no target. Usage errors name `key` and the forms.
  static std::optional<StopTarget> parse(const std::string& text, const std::string& key = "train.stop_at");
  bool reached(const EpochStats& stats) const;
  std::string str() const;  // "val_accuracy>=0.9"
};

class SCRATCHNET_API StopAtCallback final : public TrainCallback {
 public:
  explicit StopAtCallback(std::optional<StopTarget> target) : target_(target) {}
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;

  const std::optional<StopTarget>& target() const { return target_; }
  // The first epoch that met the target, and the seconds from the start of
  // the fit to the end of that epoch's evaluation; nullopt when not reached.
  std::optional<std::size_t> reached_epoch() const { return reached_epoch_; }
  std::optional<double> seconds_to_target() const { return seconds_to_target_; }

 private:
  using Clock = std::chrono::steady_clock;
  std::optional<StopTarget> target_;
  Clock::time_point start_;
  double resumed_seconds_ = 0;  // the epochs of the run being resumed
  std::optional<std::size_t> reached_epoch_;
  std::optional<double> seconds_to_target_;
};

}  // namespace scratchnet
