#include "scratchnet/data/image_resize.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// The input pixels and weights of each output pixel along one axis: output j
// reads taps input pixels first[j], first[j] + 1, ... with weights
// weights[j * taps + k] (zero-padded up to `taps`).
struct AxisWeights {
  std::size_t taps = 0;
  std::vector<std::size_t> first;
  std::vector<float> weights;
};

AxisWeights axis_weights(std::size_t in, std::size_t out) {
  AxisWeights axis;
  axis.first.resize(out);
  if (out < in) {
    // Area: output j covers input [j * scale, (j + 1) * scale).
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    axis.taps = static_cast<std::size_t>(std::ceil(scale)) + 1;
    axis.weights.assign(out * axis.taps, 0.0f);
    for (std::size_t j = 0; j < out; ++j) {
      const double lo = static_cast<double>(j) * scale;
      const double hi = std::min(static_cast<double>(j + 1) * scale, static_cast<double>(in));
      const auto first = static_cast<std::size_t>(std::floor(lo));
      axis.first[j] = first;
      for (std::size_t i = first; static_cast<double>(i) < hi && i < in; ++i) {
        const double covered =
            std::min(hi, static_cast<double>(i + 1)) - std::max(lo, static_cast<double>(i));
        SCRATCHNET_CHECK(i - first < axis.taps, "area filter needs more than {} taps", axis.taps);
        axis.weights[j * axis.taps + (i - first)] = static_cast<float>(covered / scale);
      }
    }
  } else if (out > in) {
    // Bilinear: output j samples input position (j + 0.5) * in / out - 0.5.
    axis.taps = 2;
    axis.weights.assign(out * 2, 0.0f);
    const double scale = static_cast<double>(in) / static_cast<double>(out);
    for (std::size_t j = 0; j < out; ++j) {
      const double at = std::clamp((static_cast<double>(j) + 0.5) * scale - 0.5, 0.0,
                                   static_cast<double>(in - 1));
      const auto left = static_cast<std::size_t>(std::floor(at));
      const double frac = at - static_cast<double>(left);
      // At the last pixel the right tap would leave the image; its weight is 0 there.
      axis.first[j] = std::min(left, in >= 2 ? in - 2 : 0);
      const std::size_t offset = left - axis.first[j];
      axis.weights[j * 2 + offset] = static_cast<float>(1.0 - frac);
      if (offset + 1 < 2 && in >= 2) axis.weights[j * 2 + offset + 1] = static_cast<float>(frac);
    }
  } else {
    axis.taps = 1;
    axis.weights.assign(out, 1.0f);
    for (std::size_t j = 0; j < out; ++j) axis.first[j] = j;
  }
  return axis;
}

std::uint8_t to_byte(float v) {
  return static_cast<std::uint8_t>(std::clamp(std::floor(v + 0.5f), 0.0f, 255.0f));
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

  // Pass 1, along each row: (in_height, in_width, C) -> (in_height, out_width, C).
  thread_local std::vector<float> rows, sums;
  const std::size_t row_size = out_width * channels;
  rows.resize(in_height * row_size);
  for (std::size_t y = 0; y < in_height; ++y) {
    const std::uint8_t* src = in + y * in_width * channels;
    float* dst = rows.data() + y * row_size;
    for (std::size_t x = 0; x < out_width; ++x) {
      const std::uint8_t* px = src + across.first[x] * channels;
      const float* w = across.weights.data() + x * across.taps;
      for (std::size_t c = 0; c < channels; ++c) {
        float sum = 0.0f;
        for (std::size_t k = 0; k < across.taps; ++k) {
          if (w[k] != 0.0f) sum += w[k] * static_cast<float>(px[k * channels + c]);
        }
        dst[x * channels + c] = sum;
      }
    }
  }
  // Pass 2, down each column: weighted sums of whole rows.
  sums.resize(row_size);
  for (std::size_t y = 0; y < out_height; ++y) {
    std::fill(sums.begin(), sums.end(), 0.0f);
    const float* w = down.weights.data() + y * down.taps;
    for (std::size_t k = 0; k < down.taps; ++k) {
      if (w[k] == 0.0f) continue;
      const float* src = rows.data() + (down.first[y] + k) * row_size;
      for (std::size_t i = 0; i < row_size; ++i) sums[i] += w[k] * src[i];
    }
    std::uint8_t* dst = out + y * row_size;
    for (std::size_t i = 0; i < row_size; ++i) dst[i] = to_byte(sums[i]);
  }
}

}  // namespace scratchnet
