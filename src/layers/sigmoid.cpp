#include "scratchnet/layers/sigmoid.h"

namespace scratchnet {

const LayerType& sigmoid_layer_type() {
  static const LayerType type = activation_layer_type<SigmoidFn>(
      "sigmoid", "logistic sigmoid: y = 1 / (1 + e^-x)", {}, InitFamily::kXavier,
      OutputRange::kUnit);
  return type;
}

template class Elementwise<float, SigmoidFn<float>>;
template class Elementwise<double, SigmoidFn<double>>;

}  // namespace scratchnet
