#pragma once
// GlobalAvgPool2D: the mean of each channel over the whole image (Lin, Chen
// & Yan, "Network In Network", 2014), the usual head of a ResNet before its
// classifier; it makes a network take images of any size per channel count.
//
// Layout NCHW. Shapes: x (N, C, H, W), y (N, C): y[n, c] = mean over (h, w).
// Backward: dx[n, c, h, w] = dy[n, c] / (H W).
// Spec: {"global_avg_pool2d", {}}. Requires a rank-3 input sample shape
// (usage error otherwise). No parameters.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& global_avg_pool2d_layer_type();

template <class T>
class SCRATCHNET_API GlobalAvgPool2D final : public LayerBase<T> {
 public:
  GlobalAvgPool2D(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;

 private:
  std::size_t channels_, plane_;  // C, H * W
  BasicTensor<T> y_, grad_x_;
};

}  // namespace scratchnet
