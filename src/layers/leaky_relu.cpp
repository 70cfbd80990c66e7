#include "scratchnet/layers/leaky_relu.h"

namespace scratchnet {

const LayerType& leaky_relu_layer_type() {
  static const LayerType type = activation_layer_type<LeakyReluFn>(
      "leaky_relu", "y = x for x > 0, alpha x otherwise (Maas et al. 2013)",
      {real_attr_schema("alpha", 0, 1, false, true, 0.01, "slope for x < 0")}, InitFamily::kHe,
      OutputRange::kUnbounded);  // negative outputs too: its units never die at exactly 0
  return type;
}

template class Elementwise<float, LeakyReluFn<float>>;
template class Elementwise<double, LeakyReluFn<double>>;

}  // namespace scratchnet
