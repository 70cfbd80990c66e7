#pragma once
// Dense (affine, fully connected) layer: y = x W + b.
//
// Shapes: x (N, in) -- any input sample shape is read as its flattened size --
// W (in, units), b (units), y (N, units).
// Backward: dW += x^T dy, db += sum over the batch of dy, dx = dy W^T (not
// computed after set_input_gradient(false): the network's first layer).
// Spec: {"dense", {units}}.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& dense_layer_type();

template <class T>
class SCRATCHNET_API Dense final : public LayerBase<T> {
 public:
  Dense(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;
  std::vector<Param<T>> params() override;
  void initialize(const InitScheme& scheme, Rng& rng) override;
  void set_input_gradient(bool needed) override { input_gradient_ = needed; }

  std::size_t in_features() const { return in_; }
  std::size_t units() const { return out_; }

 private:
  std::size_t in_, out_;
  BasicTensor<T> w_, b_, grad_w_, grad_b_;
  const BasicTensor<T>* x_ = nullptr;
  BasicTensor<T> y_, grad_x_;
  bool input_gradient_ = true;
};

}  // namespace scratchnet
