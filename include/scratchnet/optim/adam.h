#pragma once
// Adam (Kingma & Ba, ICLR 2015, Algorithm 1): m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  m^ = m / (1 - b1^t);  v^ = v / (1 - b2^t);  w -= lr * m^ / (sqrt(v^) + eps), t = step count.
// State slots per parameter: 2.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class Adam final : public Optimizer {
 public:
  explicit Adam(const OptimizerOptions& options) : Optimizer("adam", options, 2) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
