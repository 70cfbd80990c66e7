#pragma once
// Momentum (Polyak, 1964; the book's Momentum class): v = mu v - lr g; w += v.
// (The book and seed 001 keep the same velocity; PyTorch's buffer is -v / lr.)
// Hyper-parameters: momentum mu (default 0.9). Default rate 0.01.
// State slots per parameter: 1 (v).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {

struct SCRATCHNET_API MomentumOptions {
  double lr = 0.01;
  double momentum = 0.9;
  double weight_decay = 0;
};

class SCRATCHNET_API Momentum final : public Optimizer {
 public:
  explicit Momentum(const MomentumOptions& options = {});
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
  std::vector<std::pair<std::string, double>> hyper_parameters() const override;

 protected:
  void update(float* w, const float* g, std::size_t n, float* const* state, float decay) override;

 private:
  double momentum_;
};

}  // namespace scratchnet
