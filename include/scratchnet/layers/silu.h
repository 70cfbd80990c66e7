#pragma once
// SiLU, the sigmoid-weighted linear unit, also called swish (Elfwing et al.
// 2018; Ramachandran et al. 2017): y = x sigma(x),
// dy/dx = sigma(x) (1 + x (1 - sigma(x))) = sigma(x) + y (1 - sigma(x)).
// Spec: {"silu", {}}. Init "auto" draws He before it.

#include <cmath>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API SiluFn {
  explicit SiluFn(const LayerSpec&) {}
  // sigma(x) without overflow: the form whose exponent is negative.
  static T sigma(T x) {
    if (x >= T(0)) return T(1) / (T(1) + std::exp(-x));
    const T e = std::exp(x);
    return e / (T(1) + e);
  }
  T value(T x) const { return x * sigma(x); }
  T derivative(T x, T y) const {
    const T s = sigma(x);
    return s + y * (T(1) - s);
  }
};

template <class T>
using Silu = Elementwise<T, SiluFn<T>>;

SCRATCHNET_API const LayerType& silu_layer_type();

}  // namespace scratchnet
