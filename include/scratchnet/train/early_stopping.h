#pragma once
// EarlyStopping: decides, epoch by epoch, whether a monitored metric still
// improves. A value improves when it beats the best so far by more than
// min_delta (lower for losses, higher for accuracies); training should stop
// once `patience` epochs in a row brought no improvement. With patience 0 it
// only tracks the best epoch and never asks to stop.

#include <cstddef>
#include <limits>

#include "scratchnet/core/export.h"

namespace scratchnet {

// The validation metric early stopping watches.
enum class Monitor { kValLoss, kValAccuracy };

class SCRATCHNET_API EarlyStopping {
 public:
  enum class Goal { kMinimize, kMaximize };
  struct Decision {
    bool improved;  // this epoch is the new best
    bool stop;      // patience is exhausted
  };

  EarlyStopping(Goal goal, std::size_t patience, double min_delta)
      : goal_(goal), patience_(patience), min_delta_(min_delta) {}

  // Records the metric of `epoch`; a non-finite value never improves.
  Decision observe(std::size_t epoch, double value);

  std::size_t best_epoch() const { return best_epoch_; }
  double best_value() const { return best_; }

  // Everything observe() remembers, for checkpoints.
  struct State {
    double best = std::numeric_limits<double>::quiet_NaN();
    std::size_t best_epoch = 0, waited = 0;
  };
  State state() const { return {best_, best_epoch_, waited_}; }
  void set_state(const State& s) {
    best_ = s.best;
    best_epoch_ = s.best_epoch;
    waited_ = s.waited;
  }

 private:
  Goal goal_;
  std::size_t patience_;
  double min_delta_;
  double best_ = std::numeric_limits<double>::quiet_NaN();
  std::size_t best_epoch_ = 0;
  std::size_t waited_ = 0;
};

}  // namespace scratchnet
