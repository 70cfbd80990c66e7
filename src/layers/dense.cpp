#include "scratchnet/layers/dense.h"

#include <cmath>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

// W (in x units) and b (units); any input shape is read as its flattened size.
LayerPlan plan(const LayerSpec& spec, const Shape& input) {
  const double units = layer_attr(spec, "units");
  return {Shape{static_cast<std::size_t>(units)}, static_cast<double>(input.elements()) * units + units, 0};
}

}  // namespace

const LayerType& dense_layer_type() {
  static const LayerType type{"dense", "fully connected: y = x W + b",
                              {integer_attr_schema("units", 1, std::nullopt, "output features")},
                              &plan, &construct_layer<Dense<float>>, &construct_layer<Dense<double>>};
  return type;
}

template <class T>
Dense<T>::Dense(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output),
      in_(input.elements()),
      out_(this->output_[0]) {
  w_.resize(Shape{in_, out_});
  b_.resize(Shape{out_});
  grad_w_.resize(w_.shape());
  grad_b_.resize(b_.shape());
}

template <class T>
const BasicTensor<T>& Dense<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  const std::size_t n = x.rows();
  SCRATCHNET_CHECK(x.cols() == in_, "dense expects {} inputs, got {}", in_, x.cols());
  x_ = &x;
  y_.resize(Shape{n, out_});
  // y = x W, then y += b on every row.
  gemm<T>(Trans::kNo, Trans::kNo, n, out_, in_, T(1), x.data(), in_, w_.data(), out_, T(0),
          y_.data(), out_);
  add_row_vector(y_.data(), b_.data(), n, out_);
  return y_;
}

template <class T>
const BasicTensor<T>& Dense<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(x_ != nullptr, "dense backward before forward");
  const std::size_t n = grad_y.rows();
  // dW += x^T dy
  gemm<T>(Trans::kYes, Trans::kNo, in_, out_, n, T(1), x_->data(), in_, grad_y.data(), out_,
          T(1), grad_w_.data(), out_);
  // db += column sums of dy
  accumulate_column_sums(grad_y.data(), n, out_, grad_b_.data());
  // dx = dy W^T, shaped like x (unless nobody reads it)
  if (!input_gradient_) {
    grad_x_.resize(Shape{0});
    return grad_x_;
  }
  grad_x_.resize(x_->shape());
  gemm<T>(Trans::kNo, Trans::kYes, n, in_, out_, T(1), grad_y.data(), out_, w_.data(), out_,
          T(0), grad_x_.data(), in_);
  return grad_x_;
}

template <class T>
std::vector<Param<T>> Dense<T>::params() {
  return {{"W", &w_, &grad_w_, true}, {"b", &b_, &grad_b_, false}};
}

template <class T>
void Dense<T>::initialize(const InitScheme& scheme, Rng& rng) {
  scheme.fill(w_, in_, out_, rng);
  b_.zero();
}

template class Dense<float>;
template class Dense<double>;

}  // namespace scratchnet
