#pragma once
// ELU, the exponential linear unit (Clevert, Unterthiner & Hochreiter, ICLR
// 2016): y = x for x > 0, alpha (e^x - 1) otherwise;
// dy/dx = 1 for x > 0, y + alpha (= alpha e^x) otherwise.
// Spec: {"elu", {alpha}}, alpha > 0, default 1 (PyTorch's). Init "auto"
// draws He before it.

#include <cmath>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API EluFn {
  explicit EluFn(const LayerSpec& spec) : alpha(static_cast<T>(layer_attr(spec, "alpha"))) {}
  T value(T x) const { return x > T(0) ? x : alpha * std::expm1(x); }
  T derivative(T x, T y) const { return x > T(0) ? T(1) : y + alpha; }
  T alpha;
};

template <class T>
using Elu = Elementwise<T, EluFn<T>>;

SCRATCHNET_API const LayerType& elu_layer_type();

}  // namespace scratchnet
