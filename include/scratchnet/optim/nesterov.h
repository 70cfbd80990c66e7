#pragma once
// Nesterov accelerated gradient (Sutskever et al., ICML 2013, in PyTorch's form): v = momentum * v + g;  w -= lr * (g + momentum * v).
// State slots per parameter: 1.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class Nesterov final : public Optimizer {
 public:
  explicit Nesterov(const OptimizerOptions& options) : Optimizer("nesterov", options, 1) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
