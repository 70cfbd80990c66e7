#pragma once
// Identity: y = x. The output activation of regression networks, and a way to
// write "no activation" in a layer list.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/activation.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API IdentityFn {
  explicit IdentityFn(const LayerSpec&) {}
  T value(T x) const { return x; }
  T derivative(T /*x*/, T /*y*/) const { return T(1); }
};

template <class T>
using Identity = Elementwise<T, IdentityFn<T>>;

SCRATCHNET_API const LayerType& identity_layer_type();

}  // namespace scratchnet
