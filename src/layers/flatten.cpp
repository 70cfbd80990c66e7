#include "scratchnet/layers/flatten.h"

#include <algorithm>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {

namespace {

LayerPlan plan(const LayerSpec& /*spec*/, const Shape& input) { return {Shape{input.elements()}, 0, 0}; }

}  // namespace

const LayerType& flatten_layer_type() {
  static const LayerType type{"flatten", "(C, H, W) -> (C*H*W)", {}, &plan, &construct_layer<Flatten<float>>,
                              &construct_layer<Flatten<double>>};
  return type;
}

template <class T>
Flatten<T>::Flatten(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output) {}

template <class T>
const BasicTensor<T>& Flatten<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  SCRATCHNET_CHECK(x.cols() == this->output_[0], "flatten expects {} inputs per sample, got {}",
                   this->output_[0], x.cols());
  x_ = &x;
  y_.resize(Shape{x.rows(), x.cols()});
  std::copy_n(x.data(), x.size(), y_.data());
  return y_;
}

template <class T>
const BasicTensor<T>& Flatten<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(x_ != nullptr, "flatten backward before forward");
  SCRATCHNET_CHECK(grad_y.size() == x_->size(), "flatten backward got {} for a forward of {}",
                   grad_y.shape().str(), x_->shape().str());
  grad_x_.resize(x_->shape());
  std::copy_n(grad_y.data(), grad_y.size(), grad_x_.data());
  return grad_x_;
}

template class Flatten<float>;
template class Flatten<double>;

}  // namespace scratchnet
