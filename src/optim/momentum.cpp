#include "scratchnet/optim/momentum.h"

#include "vectorised.h"

namespace scratchnet {
namespace {

// v = mu v - lr (g + decay w);  w += v
SCRATCHNET_VECTORISED
void momentum_rule(float* __restrict w, const float* __restrict g, float* __restrict v, std::size_t n,
                   float lr, float mu, float decay) {
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = mu * v[i] - lr * (g[i] + decay * w[i]);
    w[i] += v[i];
  }
}

}  // namespace

Momentum::Momentum(const MomentumOptions& options)
    : Optimizer(options.lr, options.weight_decay, 1), momentum_(options.momentum) {}

const OptimizerType& Momentum::descriptor() {
  static const MomentumOptions d;
  static const OptimizerType type{
      "momentum", "SGD with momentum (Polyak 1964): v = mu v - lr g, w += v", d.lr,
      {{"momentum", d.momentum, 0, 1, false, true, "velocity decay mu"}}, false,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Momentum>(MomentumOptions{lr, hyper_value(h, "momentum"), weight_decay});
      }};
  return type;
}

std::vector<std::pair<std::string, double>> Momentum::hyper_parameters() const {
  return {{"momentum", momentum_}};
}

void Momentum::update(float* w, const float* g, std::size_t n, float* const* state, float decay) {
  momentum_rule(w, g, state[0], n, static_cast<float>(lr()), static_cast<float>(momentum_), decay);
}

}  // namespace scratchnet
