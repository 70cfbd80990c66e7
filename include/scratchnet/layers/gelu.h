#pragma once
// GELU, the Gaussian error linear unit (Hendrycks & Gimpel, 2016), in its
// exact form (PyTorch's default, approximate = "none"):
//   y = x * Phi(x) = x/2 * (1 + erf(x / sqrt 2)),
//   dy/dx = Phi(x) + x * phi(x),  phi(x) = e^(-x^2/2) / sqrt(2 pi).
// Spec: {"gelu", {}}. Init "auto" draws He before it (it behaves like ReLU
// away from 0).

#include <cmath>
#include <numbers>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API GeluFn {
  explicit GeluFn(const LayerSpec&) {}
  static T phi_cdf(T x) { return T(0.5) * (T(1) + std::erf(x / T(std::numbers::sqrt2))); }
  T value(T x) const { return x * phi_cdf(x); }
  T derivative(T x, T /*y*/) const {
    const T pdf = std::exp(T(-0.5) * x * x) * T(0.5 * std::numbers::inv_sqrtpi * std::numbers::sqrt2);
    return phi_cdf(x) + x * pdf;
  }
};

template <class T>
using Gelu = Elementwise<T, GeluFn<T>>;

SCRATCHNET_API const LayerType& gelu_layer_type();

}  // namespace scratchnet
