#include "scratchnet/optim/nesterov.h"

#include "vectorised.h"

namespace scratchnet {
namespace {

// g' = g + decay w;  v = mu v + g';  then look ahead along v: w -= lr (g' + mu v)
SCRATCHNET_VECTORISED
void nesterov_rule(float* __restrict w, const float* __restrict g, float* __restrict v, std::size_t n,
                   float lr, float mu, float decay) {
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    v[i] = mu * v[i] + grad;
    w[i] -= lr * (grad + mu * v[i]);
  }
}

}  // namespace

Nesterov::Nesterov(const NesterovOptions& options)
    : Optimizer(options.lr, options.weight_decay, 1), momentum_(options.momentum) {}

const OptimizerType& Nesterov::descriptor() {
  static const NesterovOptions d;
  static const OptimizerType type{
      "nesterov", "Nesterov momentum (Sutskever et al. 2013): v = mu v + g, w -= lr (g + mu v)", d.lr,
      {{"momentum", d.momentum, 0, 1, false, true, "velocity decay mu"}}, false,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Nesterov>(NesterovOptions{lr, hyper_value(h, "momentum"), weight_decay});
      }};
  return type;
}

std::vector<std::pair<std::string, double>> Nesterov::hyper_parameters() const {
  return {{"momentum", momentum_}};
}

void Nesterov::update(float* w, const float* g, std::size_t n, float* const* state, float decay) {
  nesterov_rule(w, g, state[0], n, static_cast<float>(lr()), static_cast<float>(momentum_), decay);
}

}  // namespace scratchnet
