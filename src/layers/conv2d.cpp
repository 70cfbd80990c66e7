#include "scratchnet/layers/conv2d.h"

#include <algorithm>
#include <cmath>
#include <type_traits>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

std::size_t ceil_div(std::size_t a, std::size_t b) { return (a + b - 1) / b; }

// For kernel column kj: the output columns [lo, hi) whose input column
// iw = ow*s + kj - p lies inside [0, W); the others read padding.
struct ValidRange {
  std::size_t lo, hi;
};

ValidRange valid_columns(const ConvGeometry& g, std::size_t kj) {
  const std::size_t lo = kj < g.padding ? ceil_div(g.padding - kj, g.stride) : 0;
  const std::size_t limit = g.width + g.padding;  // iw < W  <=>  ow*s < W + p - kj
  std::size_t hi = limit > kj ? ceil_div(limit - kj, g.stride) : 0;
  hi = std::min(hi, g.out_width);
  return {std::min(lo, hi), hi};
}

// Sum of x[0..n), in eight independent partial sums so it vectorizes.
template <class T>
T sum_of(const T* x, std::size_t n) {
  T part[8] = {};
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (std::size_t l = 0; l < 8; ++l) part[l] += x[i + l];
  T sum = 0;
  for (; i < n; ++i) sum += x[i];
  for (std::size_t l = 0; l < 8; ++l) sum += part[l];
  return sum;
}

}  // namespace

AttrSchema pool_stride_schema() {
  AttrSchema stride = integer_attr_schema("stride", 1, std::nullopt, "step between windows (default: size)");
  stride.default_from = "size";
  return stride;
}

std::size_t size_attr(const LayerSpec& spec, const char* key) {
  return static_cast<std::size_t>(layer_attr(spec, key));
}

ConvGeometry window_geometry(const LayerSpec& spec, const Shape& input, std::size_t kernel,
                             std::size_t stride, std::size_t padding) {
  if (input.rank() != 3)
    throw_usage("{} needs (channels, height, width) inputs, got {}", spec.type, input.str());
  ConvGeometry g;
  g.channels = input[0];
  g.height = input[1];
  g.width = input[2];
  g.kernel = kernel;
  g.stride = stride;
  g.padding = padding;
  if (g.channels == 0 || g.height == 0 || g.width == 0)
    throw_usage("{}: input {} is empty", spec.type, input.str());
  if (g.height + 2 * padding < kernel || g.width + 2 * padding < kernel)
    throw_usage("{}: a {}x{} window (padding {}) does not fit the {}x{} input {}", spec.type,
                kernel, kernel, padding, g.height, g.width, input.str());
  g.out_height = (g.height + 2 * padding - kernel) / stride + 1;
  g.out_width = (g.width + 2 * padding - kernel) / stride + 1;
  return g;
}

namespace {

// Runs body(c) for every chunk, on the kernel threads when the pass does at
// least 2^25 multiply-adds (the matrix kernels' threshold). Measured on the
// 2-core machine of bench/: LeNet-5's layers at batch 64 (7.5M and 15M)
// train no faster on two cores, whose caches would then trade each layer's
// activations. The chunks are the same either way, so are the numbers.
template <class F>
void for_chunks(std::size_t macs, std::size_t chunks, F body) {
  if (macs >= (std::size_t(1) << 25) && num_threads() > 1) {
    parallel_for(chunks, body);
  } else {
    for (std::size_t c = 0; c < chunks; ++c) body(c);
  }
}

ImageWindow image_window(const ConvGeometry& g) {
  return {g.channels, g.height, g.width, g.kernel, g.stride, g.padding, g.out_height, g.out_width};
}
}  // namespace

template <class T>
void im2col(const ConvGeometry& g, const T* image, T* col, std::size_t ld) {
  if constexpr (std::is_same_v<T, float>)
    if (im2col_vectorised(image_window(g), image, col, ld)) return;
  const std::size_t k = g.kernel, s = g.stride, p = g.padding;
  const std::size_t oh_n = g.out_height, ow_n = g.out_width;
  for (std::size_t c = 0; c < g.channels; ++c) {
    const T* plane = image + c * g.height * g.width;
    for (std::size_t ki = 0; ki < k; ++ki) {
      for (std::size_t kj = 0; kj < k; ++kj) {
        const ValidRange v = valid_columns(g, kj);
        T* out = col + ((c * k + ki) * k + kj) * ld;
        // Row (c, ki, kj) of col: input pixel (c, oh*s + ki - p, ow*s + kj - p).
        for (std::size_t oh = 0; oh < oh_n; ++oh, out += ow_n) {
          const std::size_t ih = oh * s + ki;  // + p: compared against p and H + p
          if (ih < p || ih >= g.height + p || v.lo == v.hi) {
            std::fill(out, out + ow_n, T(0));
            continue;
          }
          const T* src = plane + (ih - p) * g.width + (v.lo * s + kj - p);
          std::fill(out, out + v.lo, T(0));
          if (s == 1) {
            for (std::size_t ow = v.lo; ow < v.hi; ++ow) out[ow] = src[ow - v.lo];
          } else {
            for (std::size_t ow = v.lo; ow < v.hi; ++ow, src += s) out[ow] = *src;
          }
          std::fill(out + v.hi, out + ow_n, T(0));
        }
      }
    }
  }
}

template <class T>
void col2im_add(const ConvGeometry& g, const T* col, std::size_t ld, T* image) {
  if constexpr (std::is_same_v<T, float>)
    if (col2im_add_vectorised(image_window(g), col, ld, image)) return;
  const std::size_t k = g.kernel, s = g.stride, p = g.padding;
  const std::size_t oh_n = g.out_height, ow_n = g.out_width;
  for (std::size_t c = 0; c < g.channels; ++c) {
    T* plane = image + c * g.height * g.width;
    for (std::size_t ki = 0; ki < k; ++ki) {
      for (std::size_t kj = 0; kj < k; ++kj) {
        const ValidRange v = valid_columns(g, kj);
        if (v.lo == v.hi) continue;
        const T* in = col + ((c * k + ki) * k + kj) * ld;
        // Padding positions have no pixel to receive their gradient.
        for (std::size_t oh = 0; oh < oh_n; ++oh, in += ow_n) {
          const std::size_t ih = oh * s + ki;
          if (ih < p || ih >= g.height + p) continue;
          T* dst = plane + (ih - p) * g.width + (v.lo * s + kj - p);
          if (s == 1) {
            for (std::size_t ow = v.lo; ow < v.hi; ++ow) dst[ow - v.lo] += in[ow];
          } else {
            for (std::size_t ow = v.lo; ow < v.hi; ++ow, dst += s) *dst += in[ow];
          }
        }
      }
    }
  }
}

namespace {

ConvGeometry conv_geometry(const LayerSpec& spec, const Shape& input) {
  return window_geometry(spec, input, size_attr(spec, "kernel"), size_attr(spec, "stride"),
                         size_attr(spec, "padding"));
}

// W (filters x C*k*k) and b (filters).
LayerPlan plan(const LayerSpec& spec, const Shape& input) {
  const ConvGeometry g = conv_geometry(spec, input);
  const double filters = layer_attr(spec, "filters"), k = static_cast<double>(g.kernel);
  // In double: a hostile model file's C * k * k may not fit in size_t.
  return {Shape{static_cast<std::size_t>(filters), g.out_height, g.out_width},
          filters * static_cast<double>(g.channels) * k * k + filters, 0};
}

}  // namespace

const LayerType& conv2d_layer_type() {
  static const LayerType type{
      "conv2d", "2-D convolution of (C, H, W) images with learned k x k kernels",
      {integer_attr_schema("filters", 1, std::nullopt, "output channels"),
       integer_attr_schema("kernel", 1, std::nullopt, "window size k (k x k)"),
       integer_attr_schema("stride", 1, 1.0, "step between windows"),
       integer_attr_schema("padding", 0, 0.0, "zeros added on every side")},
      &plan, &construct_layer<Conv2D<float>>, &construct_layer<Conv2D<double>>};
  return type;
}

template <class T>
Conv2D<T>::Conv2D(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output),
      geom_(conv_geometry(spec, input)),
      filters_(size_attr(spec, "filters")) {
  w_.resize(Shape{filters_, geom_.patch_size()});
  b_.resize(Shape{filters_});
  grad_w_.resize(w_.shape());
  grad_b_.resize(b_.shape());
}

template <class T>
const BasicTensor<T>& Conv2D<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  const std::size_t n = x.rows();
  const std::size_t f = filters_, kk = geom_.patch_size(), p = geom_.out_positions();
  const std::size_t image = geom_.image_size();
  SCRATCHNET_CHECK(x.cols() == image, "conv2d expects {} inputs per sample, got {}", image,
                   x.cols());
  x_ = &x;
  y_.resize(this->output_.with_batch(n));
  cols_.resize(static_cast<std::size_t>(num_threads()) * kk * p);
  for_chunks(n * f * kk * p, (n + kChunk - 1) / kChunk, [&](std::size_t chunk) {
    T* col = cols_.data() + static_cast<std::size_t>(current_thread()) * kk * p;
    for (std::size_t i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
      T* out = y_.data() + i * f * p;
      // col = im2col(x_i); y_i = W col + b
      im2col(geom_, x.data() + i * image, col, p);
      gemm<T>(Trans::kNo, Trans::kNo, f, p, kk, T(1), w_.data(), kk, col, p, T(0), out, p);
      for (std::size_t j = 0; j < f; ++j) {
        const T bias = b_[j];
        T* row = out + j * p;
        for (std::size_t q = 0; q < p; ++q) row[q] += bias;
      }
    }
  });
  return y_;
}

template <class T>
const BasicTensor<T>& Conv2D<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(x_ != nullptr, "conv2d backward before forward");
  const std::size_t n = grad_y.rows();
  const std::size_t f = filters_, kk = geom_.patch_size(), p = geom_.out_positions();
  const std::size_t image = geom_.image_size();
  SCRATCHNET_CHECK(n == x_->rows() && grad_y.cols() == f * p,
                   "conv2d backward got {} for a forward of {}", grad_y.shape().str(),
                   x_->shape().str());
  const auto threads = static_cast<std::size_t>(num_threads());
  const std::size_t chunks = (n + kChunk - 1) / kChunk;
  grad_x_.resize(input_gradient_ ? x_->shape() : Shape{0});  // empty: nobody reads dL/dx
  cols_.resize(threads * kk * p);
  if (input_gradient_) dcol_.resize(threads * kk * p);
  partial_w_.resize(chunks * f * kk);
  for_chunks(n * f * kk * p, chunks, [&](std::size_t chunk) {
    const std::size_t t = static_cast<std::size_t>(current_thread());
    T* col = cols_.data() + t * kk * p;
    T* dw = partial_w_.data() + chunk * f * kk;
    std::fill(dw, dw + f * kk, T(0));
    for (std::size_t i = chunk * kChunk; i < std::min(n, (chunk + 1) * kChunk); ++i) {
      const T* dy = grad_y.data() + i * f * p;
      // The columns again (cheaper than keeping the batch's, which leave the cache).
      im2col(geom_, x_->data() + i * image, col, p);
      // dW_chunk += dy_i col_i^T
      gemm_nt_accumulate<T>(1, f, kk, p, dy, p, 0, col, p, 0, dw, kk);
      if (!input_gradient_) continue;
      // dx_i = col2im(W^T dy_i)
      T* dcol = dcol_.data() + t * kk * p;
      T* dx = grad_x_.data() + i * image;
      gemm<T>(Trans::kYes, Trans::kNo, kk, p, f, T(1), w_.data(), kk, dy, p, T(0), dcol, p);
      std::fill(dx, dx + image, T(0));
      col2im_add(geom_, dcol, p, dx);
    }
  });
  // dW += the chunks' sums, in chunk order: the same numbers for any thread count.
  for (std::size_t chunk = 0; chunk < chunks; ++chunk)
    for (std::size_t q = 0; q < f * kk; ++q) grad_w_[q] += partial_w_[chunk * f * kk + q];
  // db += row sums of dy_i
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < f; ++j) grad_b_[j] += sum_of(grad_y.data() + (i * f + j) * p, p);
  return grad_x_;
}

template <class T>
std::vector<Param<T>> Conv2D<T>::params() {
  return {{"W", &w_, &grad_w_, true}, {"b", &b_, &grad_b_, false}};
}

template <class T>
void Conv2D<T>::initialize(const InitScheme& scheme, Rng& rng) {
  const std::size_t k2 = geom_.kernel * geom_.kernel;
  scheme.fill(w_, geom_.patch_size(), filters_ * k2, rng);
  b_.zero();
}

template void im2col<float>(const ConvGeometry&, const float*, float*, std::size_t);
template void im2col<double>(const ConvGeometry&, const double*, double*, std::size_t);
template void col2im_add<float>(const ConvGeometry&, const float*, std::size_t, float*);
template void col2im_add<double>(const ConvGeometry&, const double*, std::size_t, double*);
template class Conv2D<float>;
template class Conv2D<double>;

}  // namespace scratchnet
