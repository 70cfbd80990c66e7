#include "scratchnet/train/batch_sum_decay.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/core/error.h"

namespace scratchnet {

BatchSumDecay::BatchSumDecay(double alpha) : alpha_(alpha) {
  if (!(alpha >= 0) || !std::isfinite(alpha)) throw_usage("alpha must be zero or positive, got {:g}", alpha);
}

std::size_t BatchSumDecay::batch_size(std::size_t b) const {
  // BatchSampler's cut: full batches, the remainder last.
  return std::min(batch_, samples_ - b * batch_);
}

void BatchSumDecay::on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* /*resume*/) {
  samples_ = data.train->size();
  batch_ = trainer.options().batch_size;
  trainer.optimizer().set_weight_decay(alpha_ / static_cast<double>(batch_size(0)));
}

void BatchSumDecay::on_step(Trainer& trainer, const StepInfo& step) {
  // step.batch is 1-based: the next step takes batch step.batch of this epoch
  // (0-based), or the first of the next epoch.
  const std::size_t next = step.batch < step.batches ? step.batch : 0;
  trainer.optimizer().set_weight_decay(alpha_ / static_cast<double>(batch_size(next)));
}

}  // namespace scratchnet
