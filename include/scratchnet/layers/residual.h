#pragma once
// Residual block (He et al., "Deep Residual Learning for Image Recognition",
// CVPR 2016, the "basic block"):
//
//   main     = conv3x3(filters, stride s, pad 1) -> batch_norm -> relu
//              -> conv3x3(filters, pad 1) -> batch_norm
//   shortcut = x                                   when C == filters and s == 1
//            = conv1x1(filters, stride s) -> batch_norm   otherwise (projection)
//   y        = relu(main(x) + shortcut(x))
//
// Layout NCHW: x (N, C, H, W) -> y (N, filters, H', W') with H' = (H - 1) / s + 1.
// Backward: g = dy * relu'(sum); dx = main.backward(g) + shortcut.backward(g)
// (g itself for the identity shortcut). Parameters and buffers are those of
// the inner layers, in the order main then shortcut.
// Spec: {"residual", {filters, stride = 1}}.

#include <memory>
#include <vector>

#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

const LayerType& residual_layer_type();

template <class T>
class Residual final : public LayerBase<T> {
 public:
  Residual(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;
  std::vector<Param<T>> params() override;
  std::vector<Buffer<T>> buffers() override;
  void initialize(const InitScheme& scheme, Rng& rng) override;
  void reseed(std::uint64_t seed) override;

  // The inner layers, for exporters (io/onnx_export, io/torch_layout): the
  // main branch, and the projection shortcut (empty for the identity).
  const std::vector<std::unique_ptr<Layer<T>>>& main_branch() const { return main_; }
  const std::vector<std::unique_ptr<Layer<T>>>& shortcut_branch() const { return shortcut_; }

 private:
  std::vector<std::unique_ptr<Layer<T>>> main_, shortcut_;
  BasicTensor<T> sum_, y_, grad_sum_, grad_x_;
};

}  // namespace scratchnet
