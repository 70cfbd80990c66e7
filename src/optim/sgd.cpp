#include "scratchnet/optim/sgd.h"

#include "scratchnet/core/kernels.h"

namespace scratchnet {

void Sgd::update(float* w, const float* g, std::size_t n, Tensor* /*state*/, float decay) {
  // w -= lr g
  sgd_update(w, g, n, static_cast<float>(this->lr()), decay);
}

}  // namespace scratchnet
