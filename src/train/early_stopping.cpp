#include "scratchnet/train/early_stopping.h"

#include <cmath>

namespace scratchnet {

EarlyStopping::Decision EarlyStopping::observe(std::size_t epoch, double value) {
  bool improved = false;
  if (std::isfinite(value)) {
    improved = !std::isfinite(best_) ||
               (goal_ == Goal::kMinimize ? value < best_ - min_delta_ : value > best_ + min_delta_);
  }
  if (improved) {
    best_ = value;
    best_epoch_ = epoch;
    waited_ = 0;
  } else {
    ++waited_;
  }
  return {improved, patience_ > 0 && waited_ >= patience_};
}

}  // namespace scratchnet
