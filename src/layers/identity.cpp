#include "scratchnet/layers/identity.h"

namespace scratchnet {

const LayerType& identity_layer_type() {
  static const LayerType type = activation_layer_type<IdentityFn>(
      "identity", "y = x (no activation)", {}, InitFamily::kXavier,
      OutputRange::kUnbounded);
  return type;
}

template class Elementwise<float, IdentityFn<float>>;
template class Elementwise<double, IdentityFn<double>>;

}  // namespace scratchnet
