#include "scratchnet/optim/adagrad.h"

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void AdaGrad::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  constexpr float kEps = 1e-7f;  // the book's value
  // h += g^2;  w -= lr g / (sqrt(h) + eps)
  adagrad_update(w, g, state[0].data(), n, static_cast<float>(this->lr()), kEps, decay);
}

}  // namespace scratchnet
