#include "scratchnet/optim/rmsprop.h"

#include <cmath>

#include "vectorised.h"

namespace scratchnet {
namespace {

// g' = g + decay w;  h = rho h + (1 - rho) g'^2;  w -= lr g' / (sqrt(h) + eps)
SCRATCHNET_VECTORISED
void rmsprop_rule(float* __restrict w, const float* __restrict g, float* __restrict h, std::size_t n,
                  float lr, float rho, float eps, float decay) {
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    h[i] = rho * h[i] + (1.0f - rho) * grad * grad;
    w[i] -= lr * grad / (std::sqrt(h[i]) + eps);
  }
}

}  // namespace

RmsProp::RmsProp(const RmsPropOptions& options)
    : Optimizer(options.lr, options.weight_decay, 1), rho_(options.rho), eps_(options.eps) {}

const OptimizerType& RmsProp::descriptor() {
  static const RmsPropOptions d;
  static const OptimizerType type{
      "rmsprop", "RMSProp (Tieleman & Hinton 2012): h = rho h + (1 - rho) g^2, w -= lr g / (sqrt(h) + eps)",
      d.lr,
      {{"rho", d.rho, 0, 1, false, true, "decay of the squared-gradient average"},
       {"eps", d.eps, 0, 1, true, false, "added to sqrt(h) (AdaGrad/RMSProp 1e-7, Adam 1e-8)"}},
      false,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<RmsProp>(
            RmsPropOptions{lr, hyper_value(h, "rho"), hyper_value(h, "eps"), weight_decay});
      }};
  return type;
}

std::vector<std::pair<std::string, double>> RmsProp::hyper_parameters() const {
  return {{"rho", rho_}, {"eps", eps_}};
}

void RmsProp::update(float* w, const float* g, std::size_t n, float* const* state, float decay) {
  rmsprop_rule(w, g, state[0], n, static_cast<float>(lr()), static_cast<float>(rho_),
               static_cast<float>(eps_), decay);
}

}  // namespace scratchnet
