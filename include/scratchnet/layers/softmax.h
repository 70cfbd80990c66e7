#pragma once
// Softmax over the last axis of (N, K): y_k = e^(x_k - max x) / sum_j e^(x_j - max x).
// Backward (vector-Jacobian product): dx = y * (dy - sum_k dy_k y_k).
//
// Training uses the fused SoftmaxCrossEntropy loss instead (cheaper and
// exact); this layer is for networks that must output probabilities.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& softmax_layer_type();

template <class T>
class SCRATCHNET_API Softmax final : public LayerBase<T> {
 public:
  Softmax(const Shape& input, const LayerSpec& spec);
  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;

 private:
  BasicTensor<T> y_, grad_x_;
};

// Writes the softmax of each row of the n x k matrix `x` into `y` (may alias).
template <class T>
SCRATCHNET_API void softmax_rows(const T* x, T* y, std::size_t n, std::size_t k);

}  // namespace scratchnet
