#pragma once
// Leaky ReLU: y = x for x > 0, alpha x otherwise (Maas et al., 2013).
// Spec: {"leaky_relu", {alpha}}, alpha in [0, 1), default 0.01.

#include "scratchnet/core/error.h"
#include "scratchnet/core/export.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API LeakyReluFn {
  explicit LeakyReluFn(const LayerSpec& spec) : alpha(static_cast<T>(layer_attr(spec, "alpha"))) {}
  T value(T x) const { return x > T(0) ? x : alpha * x; }
  T derivative(T x, T /*y*/) const { return x > T(0) ? T(1) : alpha; }
  void forward(const T* x, T* y, std::size_t n) const { leaky_relu_forward(x, y, n, alpha); }
  void backward(const T* x, const T* /*y*/, const T* dy, T* dx, std::size_t n) const {
    leaky_relu_backward(x, dy, dx, n, alpha);
  }
  T alpha;
};

template <class T>
using LeakyRelu = Elementwise<T, LeakyReluFn<T>>;

SCRATCHNET_API const LayerType& leaky_relu_layer_type();

}  // namespace scratchnet
