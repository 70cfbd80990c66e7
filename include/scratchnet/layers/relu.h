#pragma once
// ReLU: y = max(0, x), dy/dx = 1 for x > 0, else 0 (the subgradient at 0 is 0).

#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct ReluFn {
  explicit ReluFn(const LayerSpec&) {}
  T value(T x) const { return x > T(0) ? x : T(0); }
  T derivative(T x, T /*y*/) const { return x > T(0) ? T(1) : T(0); }
};

template <class T>
using Relu = Elementwise<T, ReluFn<T>>;

}  // namespace scratchnet
