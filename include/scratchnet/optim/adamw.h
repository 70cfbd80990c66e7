#pragma once
// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR
// 2019): Adam on the loss gradient alone, with weight decay applied to the
// weights directly:  w -= lr * (m^ / (sqrt(v^) + eps) + lambda * w).
// State slots per parameter: 2 (m, v).

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class AdamW final : public Optimizer {
 public:
  explicit AdamW(const OptimizerOptions& options) : Optimizer("adamw", options, 2) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
