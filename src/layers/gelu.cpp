#include "scratchnet/layers/gelu.h"

namespace scratchnet {

const LayerType& gelu_layer_type() {
  static const LayerType type = activation_layer_type<GeluFn>(
      "gelu", "Gaussian error linear unit, exact: y = x Phi(x) (Hendrycks & Gimpel 2016)", {}, InitFamily::kHe);
  return type;
}

template class Elementwise<float, GeluFn<float>>;
template class Elementwise<double, GeluFn<double>>;

}  // namespace scratchnet
