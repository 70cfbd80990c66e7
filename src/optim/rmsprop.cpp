#include "scratchnet/optim/rmsprop.h"

#include <cmath>

namespace scratchnet {

void RmsProp::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  constexpr float kEps = 1e-7f;  // the book's value
  const float lr = static_cast<float>(this->lr());
  const float rho = static_cast<float>(options_.rho);
  float* h = state[0].data();
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    h[i] = rho * h[i] + (1.0f - rho) * grad * grad;
    w[i] -= lr * grad / (std::sqrt(h[i]) + kEps);
  }
}

}  // namespace scratchnet
