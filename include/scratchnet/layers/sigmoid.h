#pragma once
// Sigmoid: y = 1 / (1 + e^-x), dy/dx = y (1 - y). Evaluated without overflow
// for large |x| by choosing the form whose exponent is negative.

#include <cmath>

#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SigmoidFn {
  explicit SigmoidFn(const LayerSpec&) {}
  T value(T x) const {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
  T derivative(T /*x*/, T y) const { return y * (T(1) - y); }
};

template <class T>
using Sigmoid = Elementwise<T, SigmoidFn<T>>;

}  // namespace scratchnet
