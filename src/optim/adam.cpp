#include "scratchnet/optim/adam.h"

#include <cmath>

#include "vectorised.h"

namespace scratchnet {
namespace {

struct AdamStep {
  float lr, beta1, beta2, eps;
  float c1, c2;  // bias corrections 1 / (1 - beta1^t), 1 / (1 - beta2^t)
  float decay;
};

// Adam: g' = g + decay w;  m = b1 m + (1 - b1) g';  v = b2 v + (1 - b2) g'^2;
//       w -= lr (m c1) / (sqrt(v c2) + eps)
SCRATCHNET_VECTORISED
void adam_rule(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v,
               std::size_t n, const AdamStep s) {
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + s.decay * w[i];
    m[i] = s.beta1 * m[i] + (1.0f - s.beta1) * grad;
    v[i] = s.beta2 * v[i] + (1.0f - s.beta2) * grad * grad;
    const float denom = std::sqrt(v[i] * s.c2) + s.eps;
    w[i] -= s.lr * (m[i] * s.c1) / denom;
  }
}

// AdamW (Loshchilov & Hutter): the moments see g alone;
//       w -= lr ((m c1) / (sqrt(v c2) + eps) + decay w)
SCRATCHNET_VECTORISED
void adamw_rule(float* __restrict w, const float* __restrict g, float* __restrict m, float* __restrict v,
                std::size_t n, const AdamStep s) {
  for (std::size_t i = 0; i < n; ++i) {
    m[i] = s.beta1 * m[i] + (1.0f - s.beta1) * g[i];
    v[i] = s.beta2 * v[i] + (1.0f - s.beta2) * g[i] * g[i];
    const float denom = std::sqrt(v[i] * s.c2) + s.eps;
    w[i] -= s.lr * ((m[i] * s.c1) / denom + s.decay * w[i]);
  }
}

}  // namespace

std::vector<HyperParameter> adam_hyper_parameters() {
  const AdamOptions d;
  return {{"beta1", d.beta1, 0, 1, false, true, "decay of the first-moment (mean) estimate"},
          {"beta2", d.beta2, 0, 1, false, true, "decay of the second-moment estimate"},
          {"eps", d.eps, 0, 1, true, false, "added to sqrt(v^) (AdaGrad/RMSProp 1e-7, Adam 1e-8)"}};
}

Adam::Adam(const AdamOptions& options, bool decoupled)
    : Optimizer(options.lr, options.weight_decay, 2), options_(options), decoupled_(decoupled) {}

const OptimizerType& Adam::descriptor() {
  static const OptimizerType type{
      "adam", "Adam (Kingma & Ba 2015): bias-corrected moment estimates", AdamOptions{}.lr,
      adam_hyper_parameters(), false,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<Adam>(AdamOptions{lr, hyper_value(h, "beta1"), hyper_value(h, "beta2"),
                                                  hyper_value(h, "eps"), weight_decay});
      }};
  return type;
}

std::vector<std::pair<std::string, double>> Adam::hyper_parameters() const {
  return {{"beta1", options_.beta1}, {"beta2", options_.beta2}, {"eps", options_.eps}};
}

void Adam::begin_step() {
  // Computed once per step, in double.
  const double t = static_cast<double>(steps());
  c1_ = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta1, t)));
  c2_ = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta2, t)));
}

void Adam::update(float* w, const float* g, std::size_t n, float* const* state, float decay) {
  const AdamStep s{static_cast<float>(lr()), static_cast<float>(options_.beta1),
                   static_cast<float>(options_.beta2), static_cast<float>(options_.eps), c1_, c2_, decay};
  if (decoupled_)
    adamw_rule(w, g, state[0], state[1], n, s);
  else
    adam_rule(w, g, state[0], state[1], n, s);
}

}  // namespace scratchnet
