#pragma once
// Tanh: y = tanh(x), dy/dx = 1 - y^2.

#include <cmath>

#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct TanhFn {
  explicit TanhFn(const LayerSpec&) {}
  T value(T x) const { return std::tanh(x); }
  T derivative(T /*x*/, T y) const { return T(1) - y * y; }
};

template <class T>
using Tanh = Elementwise<T, TanhFn<T>>;

}  // namespace scratchnet
