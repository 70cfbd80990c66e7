#pragma once
// RMSProp (Tieleman & Hinton, 2012): h = rho * h + (1 - rho) g^2;  w -= lr * g / (sqrt(h) + 1e-7).
// State slots per parameter: 1.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class RmsProp final : public Optimizer {
 public:
  explicit RmsProp(const OptimizerOptions& options) : Optimizer("rmsprop", options, 1) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
