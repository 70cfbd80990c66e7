#include "scratchnet/optim/adamw.h"

#include <cmath>

namespace scratchnet {

void AdamW::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  const double t = static_cast<double>(steps());
  const float lr = static_cast<float>(this->lr());
  const float b1 = static_cast<float>(options_.beta1), b2 = static_cast<float>(options_.beta2);
  const float eps = static_cast<float>(options_.eps);
  const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta1, t)));
  const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta2, t)));
  float* m = state[0].data();
  float* v = state[1].data();
  for (std::size_t i = 0; i < n; ++i) {
    // The moments see the loss gradient only; decay acts on w itself.
    m[i] = b1 * m[i] + (1.0f - b1) * g[i];
    v[i] = b2 * v[i] + (1.0f - b2) * g[i] * g[i];
    w[i] -= lr * ((m[i] * c1) / (std::sqrt(v[i] * c2) + eps) + decay * w[i]);
  }
}

}  // namespace scratchnet
