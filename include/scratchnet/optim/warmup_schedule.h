#pragma once
// Learning-rate schedules that change the rate every optimizer step rather
// than every epoch (issue 20: short runs of a few epochs need the rate to
// move within an epoch).
//
//   warmup_cosine:W   linear warm-up from base/steps_in_warmup to the base
//                     rate over the first W epochs (W may be a fraction,
//                     e.g. 0.5), then cosine annealing to 0 at the last step
//                     (Goyal et al. 2017, "Accurate, Large Minibatch SGD",
//                     for the warm-up; Loshchilov & Hutter, SGDR, ICLR 2017,
//                     for the cosine). W = 0: cosine per step.
//
// The rate is a closed form of the step count, so a resumed run gets the
// same rates. PyTorch: LambdaLR(opt, lambda s: factor(s)) stepped per batch.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/optim/schedule.h"

namespace scratchnet {

class SCRATCHNET_API WarmupCosine final : public LrSchedule {
 public:
  // `warmup_epochs` >= 0; `total_epochs` >= 1.
  WarmupCosine(double base_lr, double warmup_epochs, std::size_t total_epochs);
  bool per_step() const override { return true; }
  double step_lr(std::int64_t step, std::size_t steps_per_epoch) const override;
  // Between epochs the rate stays where the last step left it.
  double next_lr(std::size_t, double current, double) override { return current; }
  std::string str() const override;

  // The factor of the base rate at 0-based `step` of `total_steps`, with
  // `warmup_steps` of warm-up.
  static double factor(std::int64_t step, std::int64_t warmup_steps, std::int64_t total_steps);

 private:
  double base_lr_, warmup_epochs_;
  std::size_t total_epochs_;
};

// Parses "warmup_cosine:W"; null for any other kind (LrSchedule::parse
// handles those). Usage errors name the form.
SCRATCHNET_API std::unique_ptr<LrSchedule> parse_step_schedule(const std::string& text, double base_lr, std::size_t total_epochs);

}  // namespace scratchnet
