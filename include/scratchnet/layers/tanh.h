#pragma once
// Tanh: y = tanh(x), dy/dx = 1 - y^2.

#include <cmath>

#include "scratchnet/core/export.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API TanhFn {
  explicit TanhFn(const LayerSpec&) {}
  T value(T x) const { return std::tanh(x); }
  T derivative(T /*x*/, T y) const { return T(1) - y * y; }
  void forward(const T* x, T* y, std::size_t n) const { tanh_forward(x, y, n); }
  void backward(const T* /*x*/, const T* y, const T* dy, T* dx, std::size_t n) const {
    tanh_backward(y, dy, dx, n);
  }
};

template <class T>
using Tanh = Elementwise<T, TanhFn<T>>;

SCRATCHNET_API const LayerType& tanh_layer_type();

}  // namespace scratchnet
