#include "scratchnet/layers/silu.h"

namespace scratchnet {

const LayerType& silu_layer_type() {
  static const LayerType type = activation_layer_type<SiluFn>(
      "silu", "sigmoid-weighted linear unit (swish): y = x sigma(x) (Elfwing et al. 2018)", {}, InitFamily::kHe);
  return type;
}

template class Elementwise<float, SiluFn<float>>;
template class Elementwise<double, SiluFn<double>>;

}  // namespace scratchnet
