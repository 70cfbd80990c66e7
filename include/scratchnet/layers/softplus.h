#pragma once
// Softplus, as PyTorch defines it: y = (1/beta) log(1 + e^(beta x)), and
// y = x where beta x > threshold (for numerical stability);
// dy/dx = sigma(beta x), and 1 above the threshold.
// Spec: {"softplus", {beta = 1, threshold = 20}}. Init "auto" draws He
// before it (a smooth ReLU).

#include <cmath>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API SoftplusFn {
  explicit SoftplusFn(const LayerSpec& spec)
      : beta(static_cast<T>(layer_attr(spec, "beta"))), threshold(static_cast<T>(layer_attr(spec, "threshold"))) {}
  T value(T x) const {
    const T z = beta * x;
    if (z > threshold) return x;
    // log(1 + e^z) = max(z, 0) + log1p(e^-|z|): no overflow for large |z|.
    return (std::max(z, T(0)) + std::log1p(std::exp(-std::abs(z)))) / beta;
  }
  T derivative(T x, T /*y*/) const {
    const T z = beta * x;
    if (z > threshold) return T(1);
    return z >= T(0) ? T(1) / (T(1) + std::exp(-z)) : std::exp(z) / (T(1) + std::exp(z));
  }
  T beta, threshold;
};

template <class T>
using Softplus = Elementwise<T, SoftplusFn<T>>;

SCRATCHNET_API const LayerType& softplus_layer_type();

}  // namespace scratchnet
