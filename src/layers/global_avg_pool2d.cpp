#include "scratchnet/layers/global_avg_pool2d.h"

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

LayerPlan plan(const LayerSpec& spec, const Shape& input) {
  if (input.rank() != 3)
    throw_usage("{} needs (channels, height, width) inputs, got {}", spec.type, input.str());
  return {Shape{input[0]}, 0, 0};
}

}  // namespace

const LayerType& global_avg_pool2d_layer_type() {
  static const LayerType type{"global_avg_pool2d", "the mean of each channel over the image: (C, H, W) -> (C)",
                              {}, &plan, &construct_layer<GlobalAvgPool2D<float>>,
                              &construct_layer<GlobalAvgPool2D<double>>};
  return type;
}

template <class T>
GlobalAvgPool2D<T>::GlobalAvgPool2D(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output),
      channels_(input[0]),
      plane_(input[1] * input[2]) {}

template <class T>
const BasicTensor<T>& GlobalAvgPool2D<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  SCRATCHNET_CHECK(x.cols() == channels_ * plane_, "global_avg_pool2d expects {} inputs per sample, got {}",
                   channels_ * plane_, x.cols());
  const std::size_t planes = x.rows() * channels_;
  y_.resize(Shape{x.rows(), channels_});
  const T scale = T(1) / static_cast<T>(plane_);
  // y = sum of the plane / (H W), one plane per (sample, channel).
  for (std::size_t p = 0; p < planes; ++p) {
    const T* in = x.data() + p * plane_;
    T sum = 0;
    for (std::size_t i = 0; i < plane_; ++i) sum += in[i];
    y_[p] = sum * scale;
  }
  return y_;
}

template <class T>
const BasicTensor<T>& GlobalAvgPool2D<T>::backward(const BasicTensor<T>& grad_y) {
  const std::size_t planes = grad_y.rows() * channels_;
  grad_x_.resize(this->input_.with_batch(grad_y.rows()));
  const T scale = T(1) / static_cast<T>(plane_);
  // Every input of a plane receives dL/dy / (H W).
  for (std::size_t p = 0; p < planes; ++p) {
    const T g = grad_y[p] * scale;
    T* out = grad_x_.data() + p * plane_;
    for (std::size_t i = 0; i < plane_; ++i) out[i] = g;
  }
  return grad_x_;
}

template class GlobalAvgPool2D<float>;
template class GlobalAvgPool2D<double>;

}  // namespace scratchnet
