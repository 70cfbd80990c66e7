#include "scratchnet/data/image_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// The input pixels and weights of each output pixel along one axis: output j
// reads the `taps` input pixels first[j], first[j] + 1, ... (all inside the
// image) with weights weights[j * taps + k], zero where a pixel is not covered.
struct AxisWeights {
  std::size_t taps = 0;
  std::vector<std::size_t> first;
  std::vector<float> weights;
};

AxisWeights axis_weights(std::size_t in, std::size_t out) {
  // Each output's (first input pixel, weights), before fitting them to `taps`.
  std::vector<std::size_t> first(out);
  std::vector<std::vector<double>> w(out);
  const double scale = static_cast<double>(in) / static_cast<double>(out);
  for (std::size_t j = 0; j < out; ++j) {
    if (out < in) {
      // Area: output j covers input [j * scale, (j + 1) * scale).
      const double lo = static_cast<double>(j) * scale;
      const double hi = std::min(static_cast<double>(j + 1) * scale, static_cast<double>(in));
      first[j] = static_cast<std::size_t>(std::floor(lo));
      for (std::size_t i = first[j]; static_cast<double>(i) < hi && i < in; ++i)
        w[j].push_back(
            (std::min(hi, static_cast<double>(i + 1)) - std::max(lo, static_cast<double>(i))) /
            scale);
    } else if (out > in) {
      // Bilinear: output j samples input position (j + 0.5) * in / out - 0.5.
      const double at = std::clamp((static_cast<double>(j) + 0.5) * scale - 0.5, 0.0,
                                   static_cast<double>(in - 1));
      first[j] = static_cast<std::size_t>(std::floor(at));
      const double frac = at - static_cast<double>(first[j]);
      w[j] = {1.0 - frac, frac};
    } else {
      first[j] = j;
      w[j] = {1.0};
    }
  }
  AxisWeights axis;
  for (const auto& wj : w) axis.taps = std::max(axis.taps, wj.size());
  axis.taps = std::min(axis.taps, in);
  axis.first.resize(out);
  axis.weights.assign(out * axis.taps, 0.0f);
  for (std::size_t j = 0; j < out; ++j) {
    // Near the far edge the window starts earlier, so that it stays inside;
    // taps past the image's end carry weight 0 (only bilinear's last one).
    const std::size_t start = std::min(first[j], in - axis.taps);
    axis.first[j] = start;
    for (std::size_t k = 0; k < w[j].size(); ++k) {
      const std::size_t tap = first[j] + k - start;
      if (tap < axis.taps)
        axis.weights[j * axis.taps + tap] = static_cast<float>(w[j][k]);
      else
        SCRATCHNET_CHECK(w[j][k] == 0.0, "tap {} of {} outside the image", k, j);
    }
  }
  return axis;
}

// Round to the nearest byte: v + 0.5 truncated, after clamping (no libm call).
std::uint8_t to_byte(float v) {
  return static_cast<std::uint8_t>(static_cast<int>(std::clamp(v + 0.5f, 0.0f, 255.0f)));
}

// Along each row: (rows, in_width, C) floats -> (rows, out_width, C) bytes.
// C as a template argument for the common counts lets the compiler unroll it.
template <std::size_t C>
void resize_rows(const float* in, std::size_t rows, std::size_t in_width, std::size_t channels,
                 const AxisWeights& across, std::size_t out_width, std::uint8_t* out) {
  const std::size_t ch = C == 0 ? channels : C;
  for (std::size_t y = 0; y < rows; ++y) {
    const float* src = in + y * in_width * ch;
    std::uint8_t* dst = out + y * out_width * ch;
    for (std::size_t x = 0; x < out_width; ++x) {
      const float* px = src + across.first[x] * ch;
      const float* w = across.weights.data() + x * across.taps;
      for (std::size_t c = 0; c < ch; ++c) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < across.taps; ++k) sum += w[k] * px[k * ch + c];
        dst[x * ch + c] = to_byte(sum);
      }
    }
  }
}

}  // namespace

void resize_image(const std::uint8_t* in, std::size_t in_height, std::size_t in_width,
                  std::size_t channels, std::uint8_t* out, std::size_t out_height,
                  std::size_t out_width) {
  SCRATCHNET_CHECK(in_height > 0 && in_width > 0 && out_height > 0 && out_width > 0 && channels > 0,
                   "resize {}x{}x{} -> {}x{}", in_height, in_width, channels, out_height,
                   out_width);
  if (in_height == out_height && in_width == out_width) {
    std::copy_n(in, in_height * in_width * channels, out);
    return;
  }
  const AxisWeights across = axis_weights(in_width, out_width);
  const AxisWeights down = axis_weights(in_height, out_height);

  // Pass 1, down each column: weighted sums of whole input rows (contiguous,
  // so vectorised), (in_height, in_width, C) -> (out_height, in_width, C).
  thread_local std::vector<float> columns;
  const std::size_t row_size = in_width * channels;
  columns.assign(out_height * row_size, 0.0f);
  for (std::size_t y = 0; y < out_height; ++y) {
    float* sums = columns.data() + y * row_size;
    const float* w = down.weights.data() + y * down.taps;
    for (std::size_t k = 0; k < down.taps; ++k) {
      if (w[k] == 0.0f) continue;
      const float wk = w[k];
      const std::uint8_t* src = in + (down.first[y] + k) * row_size;
      for (std::size_t i = 0; i < row_size; ++i) sums[i] += wk * static_cast<float>(src[i]);
    }
  }
  // Pass 2, along each of the out_height rows, rounding to bytes.
  if (channels == 1) {
    resize_rows<1>(columns.data(), out_height, in_width, channels, across, out_width, out);
  } else if (channels == 3) {
    resize_rows<3>(columns.data(), out_height, in_width, channels, across, out_width, out);
  } else {
    resize_rows<0>(columns.data(), out_height, in_width, channels, across, out_width, out);
  }
}

}  // namespace scratchnet
