#include "scratchnet/optim/adagrad.h"

#include <cmath>

namespace scratchnet {

void AdaGrad::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  constexpr float kEps = 1e-7f;  // the book's value
  const float lr = static_cast<float>(this->lr());
  float* h = state[0].data();
  for (std::size_t i = 0; i < n; ++i) {
    const float grad = g[i] + decay * w[i];
    h[i] += grad * grad;
    w[i] -= lr * grad / (std::sqrt(h[i]) + kEps);
  }
}

}  // namespace scratchnet
