#pragma once
// Leaky ReLU: y = x for x > 0, alpha x otherwise (Maas et al., 2013).
// Spec: {"leaky_relu", {alpha}}, alpha defaults to 0.01.

#include "scratchnet/core/error.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct LeakyReluFn {
  static constexpr double kDefaultAlpha = 0.01;
  explicit LeakyReluFn(const LayerSpec& spec) : alpha(static_cast<T>(spec.get("alpha", kDefaultAlpha))) {
    if (!(alpha >= T(0) && alpha < T(1)))
      throw_usage("leaky_relu: alpha must be in [0, 1), got {:g}", static_cast<double>(alpha));
  }
  T value(T x) const { return x > T(0) ? x : alpha * x; }
  T derivative(T x, T /*y*/) const { return x > T(0) ? T(1) : alpha; }
  T alpha;
};

template <class T>
using LeakyRelu = Elementwise<T, LeakyReluFn<T>>;

}  // namespace scratchnet
