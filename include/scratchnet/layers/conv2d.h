#pragma once
// Conv2D: 2-D convolution (cross-correlation, as in every deep-learning
// library) of a batch of images with `filters` learned kernels.
//
// Layout NCHW. Shapes: x (N, C, H, W); W (filters, C*k*k), row f holding
// kernel f in (c, ki, kj) order; b (filters); y (N, filters, OH, OW) with
//   OH = (H + 2p - k) / s + 1,  OW = (W + 2p - k) / s + 1   (integer division),
// k = kernel, s = stride, p = zero padding on every side.
//
// Method ("Deep Learning from Scratch" 7.4, im2col): each sample is unrolled
// into a column matrix col (C*k*k, OH*OW), one patch per column, so that
//   forward   y_n = W col_n + b
//   backward  dW += dy_n col_n^T,  db += row sums of dy_n,
//             dcol_n = W^T dy_n,  dx_n = col2im(dcol_n) (overlapping patches add).
// The products go through the kernels of core/kernels.h, one per sample
// (measured faster than a single product over the batch's columns, whose
// output and dy then need transposing to and from NCHW). The columns are
// built again in backward rather than kept from forward: a batch's columns
// (5 MB for LeNet-5's first layer at batch 64) leave the cache, and reading
// them back was no faster than the vectorised im2col (LeNet-5, batch 64, one
// thread: 24.2k samples/s keeping them, 24.4-25.5k rebuilding; peak RSS
// 143 -> 135 MB). Samples are processed in chunks of kChunk, spread over the
// kernel threads (parallel_for): one col buffer per thread, one partial dW
// per chunk, added in chunk order, so any thread count gives the same
// numbers. Buffers are resized, not reallocated, so steady-state steps
// allocate nothing.
//
// Spec: {"conv2d", {filters, kernel, stride = 1, padding = 0}}.
// Requires a rank-3 input sample shape (C, H, W) and OH, OW >= 1 (usage errors
// otherwise). initialize() draws W with fan_in = C*k*k, fan_out = filters*k*k
// and zeroes b.

#include <cstddef>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

// The geometry of a convolution or pooling window over (C, H, W) images.
struct SCRATCHNET_API ConvGeometry {
  std::size_t channels = 0, height = 0, width = 0;  // input sample
  std::size_t kernel = 0, stride = 1, padding = 0;
  std::size_t out_height = 0, out_width = 0;

  std::size_t patch_size() const { return channels * kernel * kernel; }  // rows of col
  std::size_t out_positions() const { return out_height * out_width; }   // columns of col
  std::size_t image_size() const { return channels * height * width; }
};

// A pooling layer's stride attribute: an integer >= 1 defaulting to its size.
SCRATCHNET_API AttrSchema pool_stride_schema();
// The integer attribute `key` of a validated spec (registry.h layer_attr).
SCRATCHNET_API std::size_t size_attr(const LayerSpec& spec, const char* key);
// The window geometry over `input` (which must be (C, H, W)); a usage error
// naming the layer when the input is not an image or the window does not fit.
SCRATCHNET_API ConvGeometry window_geometry(const LayerSpec& spec, const Shape& input,
                                            std::size_t kernel, std::size_t stride,
                                            std::size_t padding);

// Unrolls one image (C, H, W) into col (C*k*k rows of OH*OW, row r starting at
// col + r * ld, ld >= OH*OW); padding reads as 0.
template <class T>
SCRATCHNET_API void im2col(const ConvGeometry& g, const T* image, T* col, std::size_t ld);
// The adjoint of im2col: adds each entry of col back into image (C, H, W).
template <class T>
SCRATCHNET_API void col2im_add(const ConvGeometry& g, const T* col, std::size_t ld, T* image);

SCRATCHNET_API const LayerType& conv2d_layer_type();

template <class T>
class SCRATCHNET_API Conv2D final : public LayerBase<T> {
 public:
  Conv2D(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;
  std::vector<Param<T>> params() override;
  void initialize(const InitScheme& scheme, Rng& rng) override;
  void set_input_gradient(bool needed) override { input_gradient_ = needed; }

  const ConvGeometry& geometry() const { return geom_; }
  std::size_t filters() const { return filters_; }

 private:
  ConvGeometry geom_;
  std::size_t filters_;
  BasicTensor<T> w_, b_, grad_w_, grad_b_;
  static constexpr std::size_t kChunk = 8;  // samples per chunk of work
  const BasicTensor<T>* x_ = nullptr;
  BasicTensor<T> y_, grad_x_;
  std::vector<T, AlignedAllocator<T>> cols_;       // (threads, C*k*k, OH*OW)
  std::vector<T, AlignedAllocator<T>> dcol_;       // (threads, C*k*k, OH*OW)
  std::vector<T, AlignedAllocator<T>> partial_w_;  // (chunks, filters, C*k*k)
  bool input_gradient_ = true;
};

}  // namespace scratchnet
