#include "scratchnet/optim/nesterov.h"

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void Nesterov::update(float* w, const float* g, std::size_t n, Tensor* state, float decay) {
  // v = mu v + g; then look ahead along the velocity: w -= lr (g + mu v).
  nesterov_update(w, g, state[0].data(), n, static_cast<float>(this->lr()),
                  static_cast<float>(options_.momentum), decay);
}

}  // namespace scratchnet
