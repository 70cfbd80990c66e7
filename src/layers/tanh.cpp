#include "scratchnet/layers/tanh.h"

namespace scratchnet {

const LayerType& tanh_layer_type() {
  static const LayerType type = activation_layer_type<TanhFn>(
      "tanh", "hyperbolic tangent", {}, InitFamily::kXavier,
      OutputRange::kSymmetricUnit);
  return type;
}

template class Elementwise<float, TanhFn<float>>;
template class Elementwise<double, TanhFn<double>>;

}  // namespace scratchnet
