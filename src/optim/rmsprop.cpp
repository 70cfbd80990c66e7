#include "scratchnet/optim/rmsprop.h"

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void RmsProp::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  constexpr float kEps = 1e-7f;  // the book's value
  // h = rho h + (1 - rho) g^2;  w -= lr g / (sqrt(h) + eps)
  rmsprop_update(w, g, state[0].data(), n, static_cast<float>(this->lr()),
                 static_cast<float>(options_.rho), kEps, decay);
}

}  // namespace scratchnet
