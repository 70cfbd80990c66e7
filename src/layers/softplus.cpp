#include "scratchnet/layers/softplus.h"

namespace scratchnet {

const LayerType& softplus_layer_type() {
  static const LayerType type = activation_layer_type<SoftplusFn>(
      "softplus", "smooth ReLU: y = log(1 + e^(beta x)) / beta, linear above the threshold",
      {real_attr_schema("beta", 0, 100, true, false, 1.0, "sharpness"),
       real_attr_schema("threshold", 0, 1000, true, false, 20.0, "beta x above which y = x")},
      InitFamily::kHe, OutputRange::kNonNegative);
  return type;
}

template class Elementwise<float, SoftplusFn<float>>;
template class Elementwise<double, SoftplusFn<double>>;

}  // namespace scratchnet
