#include "scratchnet/layers/elu.h"

namespace scratchnet {

const LayerType& elu_layer_type() {
  static const LayerType type = activation_layer_type<EluFn>(
      "elu", "exponential linear unit: x for x > 0, alpha (e^x - 1) otherwise (Clevert et al. 2016)",
      {real_attr_schema("alpha", 0, 100, true, false, 1.0, "saturation value -alpha for large negative x")},
      InitFamily::kHe);
  return type;
}

template class Elementwise<float, EluFn<float>>;
template class Elementwise<double, EluFn<double>>;

}  // namespace scratchnet
