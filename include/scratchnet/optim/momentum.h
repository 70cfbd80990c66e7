#pragma once
// Momentum (the book's form): v = momentum * v - lr * g;  w += v. Polyak, 1964.
// State slots per parameter: 1.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class Momentum final : public Optimizer {
 public:
  explicit Momentum(const OptimizerOptions& options) : Optimizer("momentum", options, 1) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
