#pragma once
// Nesterov accelerated gradient, in the form PyTorch's SGD(nesterov=True)
// uses (Sutskever et al., ICML 2013): v = mu v + g;  w -= lr (g + mu v).
// Hyper-parameters: momentum mu (default 0.9). Default rate 0.01.
// State slots per parameter: 1 (v).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API NesterovOptions {
  double lr = 0.01;
  double momentum = 0.9;
  double weight_decay = 0;
};

class SCRATCHNET_API Nesterov final : public Optimizer {
 public:
  explicit Nesterov(const NesterovOptions& options = {});
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override;

 protected:
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;

 private:
  double momentum_;
};

}  // namespace scratchnet
