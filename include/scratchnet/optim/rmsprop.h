#pragma once
// RMSProp (Tieleman & Hinton, 2012; the book's RMSprop class):
// h = rho h + (1 - rho) g^2;  w -= lr g / (sqrt(h) + eps).
// Hyper-parameters: rho (default 0.99, the book's decay rate), eps (default
// 1e-7, the book's value). Default rate 0.001.
// State slots per parameter: 1 (h).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API RmsPropOptions {
  double lr = 0.001;
  double rho = 0.99;
  double eps = 1e-7;
  double weight_decay = 0;
};

class SCRATCHNET_API RmsProp final : public Optimizer {
 public:
  explicit RmsProp(const RmsPropOptions& options = {});
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override;

 protected:
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;

 private:
  double rho_, eps_;
};

}  // namespace scratchnet
