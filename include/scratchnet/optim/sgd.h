#pragma once
// Stochastic gradient descent: w -= lr * g (the book's SGD class).
// Hyper-parameters: none besides the rate (default 0.01) and weight decay.
// State slots per parameter: 0.

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API SgdOptions {
  double lr = 0.01;
  double weight_decay = 0;
};

class SCRATCHNET_API Sgd final : public Optimizer {
 public:
  explicit Sgd(const SgdOptions& options = {});
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override { return {}; }

 protected:
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;
};

}  // namespace scratchnet
