#include "scratchnet/optim/momentum.h"

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void Momentum::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  // v = mu v - lr g;  w += v
  momentum_update(w, g, state[0].data(), n, static_cast<float>(this->lr()),
                  static_cast<float>(options_.momentum), decay);
}

}  // namespace scratchnet
