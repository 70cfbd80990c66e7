#pragma once
// Learning-rate schedules, applied between epochs.
//
//   constant              the base rate throughout
//   step:EPOCHS:FACTOR    multiply by FACTOR every EPOCHS epochs (seed 003:
//                         step:40:0.1 is x0.1 at epoch 40); PyTorch's StepLR
//   exp:GAMMA             base * GAMMA^epoch
//   cosine                base * (1 + cos(pi * epoch / total)) / 2 (Loshchilov &
//                         Hutter, SGDR, ICLR 2017, without restarts)
//   plateau:PATIENCE:FACTOR  multiply by FACTOR when the monitored loss has not
//                         improved for PATIENCE epochs (ReduceLROnPlateau)
//   warmup_cosine:W       per step: linear warm-up over W epochs, then cosine
//                         to 0 (optim/warmup_schedule.h)
//
// next_lr(epoch, ...) is called after `epoch` (1-based) finishes and returns
// the rate for the following epoch.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

class SCRATCHNET_API LrSchedule {
 public:
  virtual ~LrSchedule() = default;
  // `current` is the rate used in the finished epoch; `monitored` the loss the
  // plateau rule watches (validation loss when there is a validation split,
  // else the training loss).
  virtual double next_lr(std::size_t epoch, double current, double monitored) = 0;
  virtual std::string str() const = 0;
  // Per-step rules (optim/warmup_schedule.h) set the rate of every step from
  // the 0-based optimizer step count instead of next_lr between epochs.
  virtual bool per_step() const { return false; }
  virtual double step_lr(std::int64_t /*step*/, std::size_t /*steps_per_epoch*/) const { return 0; }
  // What the rule remembers between epochs (plateau: best loss, epochs
  // waited), for checkpoints; empty for the closed-form rules.
  virtual std::vector<double> state() const { return {}; }
  virtual void set_state(const std::vector<double>& /*state*/) {}

  // Parses a schedule description; throws a usage error naming the forms on
  // anything else. `base_lr` and `total_epochs` anchor the closed-form rules.
  static std::unique_ptr<LrSchedule> parse(const std::string& text, double base_lr,
                                           std::size_t total_epochs);
};

}  // namespace scratchnet
