#pragma once
// Sigmoid: y = 1 / (1 + e^-x), dy/dx = y (1 - y). Evaluated without overflow
// for large |x| by choosing the form whose exponent is negative.

#include <cmath>

#include "scratchnet/core/export.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API SigmoidFn {
  explicit SigmoidFn(const LayerSpec&) {}
  T value(T x) const {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
  T derivative(T /*x*/, T y) const { return y * (T(1) - y); }
  void forward(const T* x, T* y, std::size_t n) const { sigmoid_forward(x, y, n); }
  void backward(const T* /*x*/, const T* y, const T* dy, T* dx, std::size_t n) const {
    sigmoid_backward(y, dy, dx, n);
  }
};

template <class T>
using Sigmoid = Elementwise<T, SigmoidFn<T>>;

SCRATCHNET_API const LayerType& sigmoid_layer_type();

}  // namespace scratchnet
