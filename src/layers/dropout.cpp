#include "scratchnet/layers/dropout.h"

#include <algorithm>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
const LayerType& dropout_layer_type() {
  static const LayerType type = [] {
    LayerType t{"dropout", "inverted dropout: zeroes each value with probability rate in training",
                {real_attr_schema("rate", 0, 1, false, true, std::nullopt, "the probability of dropping a value")},
                &same_shape_plan, &construct_layer<Dropout<float>>, &construct_layer<Dropout<double>>};
    t.batch_coupled = true;  // one stream of draws over the batch, in order
    return t;
  }();
  return type;
}

template <class T>
Dropout<T>::Dropout(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output), rate_(layer_attr(spec, "rate")) {}

template <class T>
const BasicTensor<T>& Dropout<T>::forward(const BasicTensor<T>& x, Mode mode) {
  SCRATCHNET_CHECK(x.cols() == this->input_.elements(),
                   "dropout expects samples of shape {}, got {}", this->input_.str(),
                   x.shape().str());
  y_.resize(x.shape());
  masked_ = mode == Mode::kTrain && rate_ > 0;
  if (!masked_) {
    // Eval mode, or nothing to drop: the identity.
    std::copy(x.data(), x.data() + x.size(), y_.data());
    return y_;
  }
  // Keep each element with probability 1 - p, scaled by 1 / (1 - p).
  const T keep_scale = static_cast<T>(1 / (1 - rate_));
  mask_.resize(x.shape());
  for (std::size_t i = 0; i < x.size(); ++i) {
    mask_[i] = rng_.uniform() < rate_ ? T(0) : keep_scale;
    y_[i] = x[i] * mask_[i];
  }
  return y_;
}

template <class T>
const BasicTensor<T>& Dropout<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(grad_y.shape() == y_.shape(), "dropout backward: dy {} after forward {}",
                   grad_y.shape().str(), y_.shape().str());
  grad_x_.resize(grad_y.shape());
  // dx = dy * mask (dx = dy when the forward was the identity).
  if (masked_)
    for (std::size_t i = 0; i < grad_y.size(); ++i) grad_x_[i] = grad_y[i] * mask_[i];
  else
    std::copy(grad_y.data(), grad_y.data() + grad_y.size(), grad_x_.data());
  return grad_x_;
}

template class Dropout<float>;
template class Dropout<double>;

}  // namespace scratchnet
