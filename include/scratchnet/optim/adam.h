#pragma once
// Adam (Kingma & Ba, ICLR 2015, Algorithm 1), t = step count:
//   m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;
//   m^ = m / (1 - b1^t);  v^ = v / (1 - b2^t);  w -= lr m^ / (sqrt(v^) + eps).
// (eps outside the square root, as in the paper and PyTorch.)
// Hyper-parameters: beta1 0.9, beta2 0.999, eps 1e-8. Default rate 0.001.
// State slots per parameter: 2 (m, v).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API AdamOptions {
  double lr = 0.001;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0;
};

class SCRATCHNET_API Adam : public Optimizer {
 public:
  explicit Adam(const AdamOptions& options = {}) : Adam(options, false) {}
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override;

 protected:
  // `decoupled`: AdamW's rule (weight decay applied to w, not added to g).
  Adam(const AdamOptions& options, bool decoupled);
  void begin_step() override;
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;

 private:
  AdamOptions options_;
  bool decoupled_;
  float c1_ = 1, c2_ = 1;  // bias corrections 1 / (1 - beta^t) of the current step
};

// The hyper-parameters Adam and AdamW share, with their defaults and ranges.
SCRATCHNET_API std::vector<HyperParameter> adam_hyper_parameters();

}  // namespace scratchnet
