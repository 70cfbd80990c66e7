#include "scratchnet/optim/sgd.h"

namespace scratchnet {

void Sgd::update(float* w, const float* g, std::size_t n, Tensor* /*state*/, float decay) {
  const float lr = static_cast<float>(this->lr());
  for (std::size_t i = 0; i < n; ++i) w[i] -= lr * (g[i] + decay * w[i]);
}

}  // namespace scratchnet
