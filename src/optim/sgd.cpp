#include "scratchnet/optim/sgd.h"

#include "vectorised.h"

namespace scratchnet {
namespace {

// w -= lr (g + decay w)
SCRATCHNET_VECTORISED
void sgd_rule(float* __restrict w, const float* __restrict g, std::size_t n, float lr, float decay) {
  for (std::size_t i = 0; i < n; ++i) w[i] -= lr * (g[i] + decay * w[i]);
}

}  // namespace

Sgd::Sgd(const SgdOptions& options) : Optimizer(options.lr, options.weight_decay, 0) {}

const OptimizerType& Sgd::descriptor() {
  static const OptimizerType type{
      "sgd", "stochastic gradient descent: w -= lr g", SgdOptions{}.lr, {}, false,
      [](double lr, double weight_decay, const std::map<std::string, double>&) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Sgd>(SgdOptions{lr, weight_decay});
      }};
  return type;
}

void Sgd::update(float* w, const float* g, std::size_t n, float* const* /*state*/, float decay) {
  sgd_rule(w, g, n, static_cast<float>(lr()), decay);
}

}  // namespace scratchnet
