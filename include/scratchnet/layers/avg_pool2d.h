#pragma once
// AvgPool2D: the mean over each size x size window of each channel.
//
// Layout NCHW. Shapes: x (N, C, H, W), y (N, C, OH, OW) with
//   OH = (H - size) / stride + 1,  OW = (W - size) / stride + 1   (no padding).
// Backward: every input of a window receives dL/dy / size^2, adding where
// windows overlap (stride < size). Reference: "Deep Learning from Scratch" 7.4.
//
// Spec: {"avg_pool2d", {size, stride = size}}. Requires a rank-3 input sample
// shape (C, H, W) with size <= H and size <= W (usage errors otherwise).
// No parameters.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/conv2d.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& avg_pool2d_layer_type();

template <class T>
class SCRATCHNET_API AvgPool2D final : public LayerBase<T> {
 public:
  AvgPool2D(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;

  const ConvGeometry& geometry() const { return geom_; }

 private:
  ConvGeometry geom_;  // kernel = size, padding = 0
  const BasicTensor<T>* x_ = nullptr;
  BasicTensor<T> y_, grad_x_;
};

}  // namespace scratchnet
