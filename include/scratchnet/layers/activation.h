#pragma once
// Elementwise<T, Fn>: an activation applied to each element independently,
// y = f(x), dL/dx = dL/dy * f'(x) where Fn gives f and f' (f' may use the
// cached y, e.g. sigmoid' = y (1 - y)). Output shape = input shape.
//
// Fn requirements: a constructor from a validated LayerSpec (its attributes
// read with layer_attr), `T value(T x) const` and
// `T derivative(T x, T y) const`. Each activation (sigmoid.h, tanh.h, ...)
// is one such Fn. An Fn may also give whole-array forms, which the layer then
// uses (the vectorised kernels of core/kernels.h):
//   void forward(const T* x, T* y, std::size_t n) const
//   void backward(const T* x, const T* y, const T* dy, T* dx, std::size_t n) const

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {

template <class T, class Fn>
class SCRATCHNET_API Elementwise final : public LayerBase<T> {
 public:
  Elementwise(const Shape& input, const LayerSpec& spec)
      : LayerBase<T>(spec, input, plan_layer(spec, input).output), fn_(spec) {}

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode /*mode*/) override {
    x_ = &x;
    y_.resize(x.shape());
    const T* in = x.data();
    T* out = y_.data();
    const std::size_t n = x.size();
    if constexpr (requires { fn_.forward(in, out, n); }) {
      fn_.forward(in, out, n);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = fn_.value(in[i]);
    }
    return y_;
  }

  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override {
    grad_x_.resize(grad_y.shape());
    const T* x = x_->data();
    const T* y = y_.data();
    const T* dy = grad_y.data();
    T* dx = grad_x_.data();
    const std::size_t n = grad_y.size();
    if constexpr (requires { fn_.backward(x, y, dy, dx, n); }) {
      fn_.backward(x, y, dy, dx, n);
    } else {
      for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * fn_.derivative(x[i], y[i]);
    }
    return grad_x_;
  }

  const Fn& fn() const { return fn_; }

 private:
  Fn fn_;
  const BasicTensor<T>* x_ = nullptr;
  BasicTensor<T> y_, grad_x_;
};

// The LayerType of activation Fn: same shape, nothing stored, usable as an
// `activation`, with `family` the initialiser "auto" gives the weights before
// it and `range` the values its outputs take.
template <template <class> class Fn>
LayerType activation_layer_type(const char* name, const char* summary, std::vector<AttrSchema> attrs,
                                InitFamily family, OutputRange range = OutputRange::kUnbounded) {
  LayerType type{name,
                 summary,
                 std::move(attrs),
                 &same_shape_plan,
                 &construct_layer<Elementwise<float, Fn<float>>>,
                 &construct_layer<Elementwise<double, Fn<double>>>,
                 true,
                 family};
  type.output_range = range;
  return type;
}

}  // namespace scratchnet
