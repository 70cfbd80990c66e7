#include "scratchnet/optim/adagrad.h"

#include <cmath>

#include "vectorised.h"

namespace scratchnet {
namespace {

// g' = g + decay w;  h += g'^2;  w -= lr g' / (sqrt(h) + eps)
SCRATCHNET_VECTORISED
void adagrad_rule(float* __restrict w, const float* __restrict g, float* __restrict h, std::size_t n,
                  float lr, float eps, float decay) {
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    h[i] += grad * grad;
    w[i] -= lr * grad / (std::sqrt(h[i]) + eps);
  }
}

}  // namespace

AdaGrad::AdaGrad(const AdaGradOptions& options)
    : Optimizer(options.lr, options.weight_decay, 1), eps_(options.eps) {}

const OptimizerType& AdaGrad::descriptor() {
  static const AdaGradOptions d;
  static const OptimizerType type{
      "adagrad", "AdaGrad (Duchi et al. 2011): h += g^2, w -= lr g / (sqrt(h) + eps)", d.lr,
      {{"eps", d.eps, 0, 1, true, false, "added to sqrt(h) (AdaGrad/RMSProp 1e-7, Adam 1e-8)"}}, false,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<AdaGrad>(AdaGradOptions{lr, hyper_value(h, "eps"), weight_decay});
      }};
  return type;
}

std::vector<std::pair<std::string, double>> AdaGrad::hyper_parameters() const { return {{"eps", eps_}}; }

void AdaGrad::update(float* w, const float* g, std::size_t n, float* const* state, float decay) {
  adagrad_rule(w, g, state[0], n, static_cast<float>(lr()), static_cast<float>(eps_), decay);
}

}  // namespace scratchnet
