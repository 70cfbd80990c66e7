#pragma once
// AdaGrad (Duchi et al., JMLR 2011): h += g^2;  w -= lr * g / (sqrt(h) + 1e-7).
// State slots per parameter: 1.

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

class AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(const OptimizerOptions& options) : Optimizer("adagrad", options, 1) {}

 protected:
  void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) override;
};

}  // namespace scratchnet
