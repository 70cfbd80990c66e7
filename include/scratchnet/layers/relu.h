#pragma once
// ReLU: y = max(0, x), dy/dx = 1 for x > 0, else 0 (the subgradient at 0 is 0).

#include "scratchnet/core/export.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API ReluFn {
  explicit ReluFn(const LayerSpec&) {}
  T value(T x) const { return x > T(0) ? x : T(0); }
  T derivative(T x, T /*y*/) const { return x > T(0) ? T(1) : T(0); }
  void forward(const T* x, T* y, std::size_t n) const { relu_forward(x, y, n); }
  void backward(const T* x, const T* /*y*/, const T* dy, T* dx, std::size_t n) const {
    relu_backward(x, dy, dx, n);
  }
};

template <class T>
using Relu = Elementwise<T, ReluFn<T>>;

SCRATCHNET_API const LayerType& relu_layer_type();

}  // namespace scratchnet
