#pragma once
// SGD: w -= lr * g.
// State slots per parameter: 0.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class Sgd final : public Optimizer {
 public:
  explicit Sgd(const OptimizerOptions& options) : Optimizer("sgd", options, 0) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
