#include "scratchnet/optim/adam.h"

#include <cmath>

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void Adam::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  const double t = static_cast<double>(steps());
  AdamStep s{};
  s.lr = static_cast<float>(this->lr());
  s.beta1 = static_cast<float>(options_.beta1);
  s.beta2 = static_cast<float>(options_.beta2);
  s.eps = static_cast<float>(options_.eps);
  // Bias corrections 1 / (1 - beta^t), computed once per step in double.
  s.c1 = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta1, t)));
  s.c2 = static_cast<float>(1.0 / (1.0 - std::pow(options_.beta2, t)));
  s.decay = decay;
  s.decoupled = false;
  // m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2;  w -= lr m c1 / (sqrt(v c2) + eps)
  adam_update(w, g, state[0].data(), state[1].data(), n, s);
}

}  // namespace scratchnet
