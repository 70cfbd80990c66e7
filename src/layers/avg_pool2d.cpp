#include "scratchnet/layers/avg_pool2d.h"

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

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

const LayerType& avg_pool2d_layer_type() {
  static const LayerType type{"avg_pool2d", "the mean over each size x size window of each channel",
                              {integer_attr_schema("size", 1, std::nullopt, "window size (size x size)"),
                               pool_stride_schema()},
                              &plan, &construct_layer<AvgPool2D<float>>, &construct_layer<AvgPool2D<double>>};
  return type;
}

template <class T>
AvgPool2D<T>::AvgPool2D(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output), geom_(pool_geometry(spec, input)) {
}

template <class T>
const BasicTensor<T>& AvgPool2D<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  const ConvGeometry& g = geom_;
  const std::size_t planes = x.rows() * g.channels;
  const std::size_t hw = g.height * g.width, out = g.out_positions();
  SCRATCHNET_CHECK(x.cols() == g.image_size(), "avg_pool2d expects {} inputs per sample, got {}",
                   g.image_size(), x.cols());
  x_ = &x;
  y_.resize(this->output_.with_batch(x.rows()));
  const T scale = T(1) / static_cast<T>(g.kernel * g.kernel);
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const T* in = x.data() + plane * hw;
    T* y = y_.data() + plane * out;
    for (std::size_t oh = 0; oh < g.out_height; ++oh) {
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        // y = sum over the window at (oh*s, ow*s) / size^2
        T sum = 0;
        for (std::size_t ki = 0; ki < g.kernel; ++ki) {
          const T* row = in + (oh * g.stride + ki) * g.width + ow * g.stride;
          for (std::size_t kj = 0; kj < g.kernel; ++kj) sum += row[kj];
        }
        y[oh * g.out_width + ow] = sum * scale;
      }
    }
  }
  return y_;
}

template <class T>
const BasicTensor<T>& AvgPool2D<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(x_ != nullptr, "avg_pool2d backward before forward");
  const ConvGeometry& g = geom_;
  const std::size_t hw = g.height * g.width, out = g.out_positions();
  const std::size_t planes = x_->rows() * g.channels;
  SCRATCHNET_CHECK(grad_y.size() == planes * out, "avg_pool2d backward got {} for a forward of {}",
                   grad_y.shape().str(), x_->shape().str());
  grad_x_.resize(x_->shape());
  grad_x_.zero();
  const T scale = T(1) / static_cast<T>(g.kernel * g.kernel);
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const T* dy = grad_y.data() + plane * out;
    T* dx = grad_x_.data() + plane * hw;
    for (std::size_t oh = 0; oh < g.out_height; ++oh) {
      for (std::size_t ow = 0; ow < g.out_width; ++ow) {
        // Each input of the window gets dy / size^2.
        const T share = dy[oh * g.out_width + ow] * scale;
        for (std::size_t ki = 0; ki < g.kernel; ++ki) {
          T* row = dx + (oh * g.stride + ki) * g.width + ow * g.stride;
          for (std::size_t kj = 0; kj < g.kernel; ++kj) row[kj] += share;
        }
      }
    }
  }
  return grad_x_;
}

template class AvgPool2D<float>;
template class AvgPool2D<double>;

}  // namespace scratchnet
