#pragma once
// AdaGrad (Duchi, Hazan & Singer, JMLR 2011; the book's AdaGrad class):
// h += g^2;  w -= lr g / (sqrt(h) + eps).
// Hyper-parameters: eps (default 1e-7, the book's value). Default rate 0.01.
// State slots per parameter: 1 (h).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API AdaGradOptions {
  double lr = 0.01;
  double eps = 1e-7;
  double weight_decay = 0;
};

class SCRATCHNET_API AdaGrad final : public Optimizer {
 public:
  explicit AdaGrad(const AdaGradOptions& options = {});
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override;

 protected:
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;

 private:
  double eps_;
};

}  // namespace scratchnet
