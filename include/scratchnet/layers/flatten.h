#pragma once
// Flatten: reads each sample as one vector, so image features can feed a
// dense layer that wants a plain (N, D) batch.
//
// Shapes: x (N, any sample shape, e.g. C, H, W), y (N, C*H*W). The values and
// their order are unchanged (row-major), so forward copies x into a (N, D)
// tensor and backward copies dL/dy back into x's shape.
// Spec: {"flatten", {}}. No parameters.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& flatten_layer_type();

template <class T>
class SCRATCHNET_API Flatten final : public LayerBase<T> {
 public:
  Flatten(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;

 private:
  const BasicTensor<T>* x_ = nullptr;
  BasicTensor<T> y_, grad_x_;
};

}  // namespace scratchnet
