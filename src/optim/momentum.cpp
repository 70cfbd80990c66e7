#include "scratchnet/optim/momentum.h"

namespace scratchnet {

void Momentum::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  const float lr = static_cast<float>(this->lr());
  const float mu = static_cast<float>(options_.momentum);
  float* v = state[0].data();
  for (std::size_t i = 0; i < n; ++i) {
    v[i] = mu * v[i] - lr * (g[i] + decay * w[i]);
    w[i] += v[i];
  }
}

}  // namespace scratchnet
