#include "scratchnet/layers/relu.h"

namespace scratchnet {

const LayerType& relu_layer_type() {
  static const LayerType type = activation_layer_type<ReluFn>(
      "relu", "rectified linear unit: y = max(0, x)", {}, InitFamily::kHe,
      OutputRange::kNonNegative);
  return type;
}

template class Elementwise<float, ReluFn<float>>;
template class Elementwise<double, ReluFn<double>>;

}  // namespace scratchnet
