#include "scratchnet/layers/max_pool2d.h"

#include <cstdint>
#include <type_traits>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/core/kernels.h"

namespace scratchnet {
namespace {

ConvGeometry pool_geometry(const LayerSpec& spec, const Shape& input) {
  return window_geometry(spec, input, size_attr(spec, "size"), size_attr(spec, "stride"), 0);
}

LayerPlan plan(const LayerSpec& spec, const Shape& input) {
  const ConvGeometry g = pool_geometry(spec, input);
  return {Shape{g.channels, g.out_height, g.out_width}, 0, 0};
}

}  // namespace

const LayerType& max_pool2d_layer_type() {
  static const LayerType type{"max_pool2d", "the maximum over each size x size window of each channel",
                              {integer_attr_schema("size", 1, std::nullopt, "window size (size x size)"),
                               pool_stride_schema()},
                              &plan, &construct_layer<MaxPool2D<float>>, &construct_layer<MaxPool2D<double>>};
  return type;
}

template <class T>
MaxPool2D<T>::MaxPool2D(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output), geom_(pool_geometry(spec, input)) {
  if (geom_.height * geom_.width > UINT32_MAX)
    throw_usage("max_pool2d: {}x{} images are too large", geom_.height, geom_.width);
}

template <class T>
const BasicTensor<T>& MaxPool2D<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  const ConvGeometry& g = geom_;
  const std::size_t planes = x.rows() * g.channels;
  const std::size_t hw = g.height * g.width, out = g.out_positions();
  SCRATCHNET_CHECK(x.cols() == g.image_size(), "max_pool2d expects {} inputs per sample, got {}",
                   g.image_size(), x.cols());
  x_ = &x;
  y_.resize(this->output_.with_batch(x.rows()));
  argmax_.resize(planes * out);
  if constexpr (std::is_same_v<T, float>) {
    if (g.kernel == 2 && g.stride == 2 &&
        max_pool_2x2(x.data(), y_.data(), argmax_.data(), planes, g.height, g.width))
      return y_;
  }
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const T* in = x.data() + plane * hw;
    T* y = y_.data() + plane * out;
    std::uint32_t* arg = argmax_.data() + plane * out;
    for (std::size_t oh = 0; oh < g.out_height; ++oh) {
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        // y = max over the window at (oh*s, ow*s); remember where it is.
        std::size_t best = oh * g.stride * g.width + ow * g.stride;
        T best_value = in[best];
        for (std::size_t ki = 0; ki < g.kernel; ++ki) {
          const std::size_t row = (oh * g.stride + ki) * g.width + ow * g.stride;
          for (std::size_t kj = 0; kj < g.kernel; ++kj) {
            if (in[row + kj] > best_value) {
              best_value = in[row + kj];
              best = row + kj;
            }
          }
        }
        y[oh * g.out_width + ow] = best_value;
        arg[oh * g.out_width + ow] = static_cast<std::uint32_t>(best);
      }
    }
  }
  return y_;
}

template <class T>
const BasicTensor<T>& MaxPool2D<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(x_ != nullptr, "max_pool2d backward before forward");
  const ConvGeometry& g = geom_;
  const std::size_t hw = g.height * g.width, out = g.out_positions();
  const std::size_t planes = x_->rows() * g.channels;
  SCRATCHNET_CHECK(grad_y.size() == planes * out, "max_pool2d backward got {} for a forward of {}",
                   grad_y.shape().str(), x_->shape().str());
  grad_x_.resize(x_->shape());
  grad_x_.zero();
  // dx[argmax] += dy, window by window.
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const T* dy = grad_y.data() + plane * out;
    const std::uint32_t* arg = argmax_.data() + plane * out;
    T* dx = grad_x_.data() + plane * hw;
    for (std::size_t q = 0; q < out; ++q) dx[arg[q]] += dy[q];
  }
  return grad_x_;
}

template class MaxPool2D<float>;
template class MaxPool2D<double>;

}  // namespace scratchnet
