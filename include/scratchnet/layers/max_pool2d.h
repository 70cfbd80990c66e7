#pragma once
// MaxPool2D: the maximum over each size x size window of each channel.
//
// Layout NCHW. Shapes: x (N, C, H, W), y (N, C, OH, OW) with
//   OH = (H - size) / stride + 1,  OW = (W - size) / stride + 1   (no padding).
// Forward keeps, for every output, the position of its maximum (the first one
// in row-major window order on ties); backward routes each dL/dy to that
// position, adding where windows overlap (stride < size). Dimensions the
// windows do not reach (H - size not a multiple of stride) get zero gradient.
// Reference: "Deep Learning from Scratch" 7.4.4 (Pooling.backward).
//
// Spec: {"max_pool2d", {size, stride = size}}. Requires a rank-3 input sample
// shape (C, H, W) with size <= H and size <= W (usage errors otherwise).
// No parameters.

#include <cstdint>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/conv2d.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& max_pool2d_layer_type();

template <class T>
class SCRATCHNET_API MaxPool2D final : public LayerBase<T> {
 public:
  MaxPool2D(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;

  const ConvGeometry& geometry() const { return geom_; }

 private:
  ConvGeometry geom_;  // kernel = size, padding = 0
  const BasicTensor<T>* x_ = nullptr;
  std::vector<std::uint32_t> argmax_;  // per output: index into its (H, W) input plane
  BasicTensor<T> y_, grad_x_;
};

}  // namespace scratchnet
