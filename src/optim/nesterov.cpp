#include "scratchnet/optim/nesterov.h"

namespace scratchnet {

void Nesterov::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  const float lr = static_cast<float>(this->lr());
  const float mu = static_cast<float>(options_.momentum);
  float* v = state[0].data();
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    v[i] = mu * v[i] + grad;
    // Look ahead along the velocity: the gradient step plus mu times the new velocity.
    w[i] -= lr * (grad + mu * v[i]);
  }
}

}  // namespace scratchnet
