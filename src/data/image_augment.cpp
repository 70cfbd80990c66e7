#include "scratchnet/data/image_augment.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

constexpr const char* kForms = "\"crop:P\" (P pixels, 1..64), \"flip\" or \"jitter:J\" (0 < J < 1)";

[[noreturn]] void bad_item(const std::string& item, const std::string& why) {
  throw_usage("data.augment: '{}' {}; the items are {}", item, why, kForms);
}

// Moves the image by (dy - P, dx - P) pixels with zeros coming in: the crop
// at offset (dy, dx) of the image padded by P.
void crop(float* image, std::size_t channels, std::size_t height, std::size_t width,
          std::size_t padding, std::size_t dy, std::size_t dx, std::vector<float>& scratch) {
  const std::size_t plane = height * width;
  scratch.assign(image, image + channels * plane);
  std::fill(image, image + channels * plane, 0.0f);
  for (std::size_t c = 0; c < channels; ++c) {
    for (std::size_t y = 0; y < height; ++y) {
      // Source row y + dy - P, inside [0, height).
      const std::size_t sy = y + dy;
      if (sy < padding || sy - padding >= height) continue;
      const float* src = scratch.data() + c * plane + (sy - padding) * width;
      float* dst = image + c * plane + y * width;
      for (std::size_t x = 0; x < width; ++x) {
        const std::size_t sx = x + dx;
        if (sx >= padding && sx - padding < width) dst[x] = src[sx - padding];
      }
    }
  }
}

void flip(float* image, std::size_t rows, std::size_t width) {
  for (std::size_t r = 0; r < rows; ++r) std::reverse(image + r * width, image + (r + 1) * width);
}

void jitter(float* image, std::size_t size, float brightness, float contrast) {
  double sum = 0.0;
  for (std::size_t i = 0; i < size; ++i) {
    image[i] *= brightness;
    sum += image[i];
  }
  const auto mean = static_cast<float>(sum / static_cast<double>(size));
  for (std::size_t i = 0; i < size; ++i)
    image[i] = std::clamp((image[i] - mean) * contrast + mean, 0.0f, 1.0f);
}

}  // namespace

ImageAugmentOptions parse_image_augment(const std::vector<std::string>& items) {
  ImageAugmentOptions options;
  for (const std::string& item : items) {
    const std::size_t colon = item.find(':');
    const std::string name = item.substr(0, colon);
    const std::string value = colon == std::string::npos ? "" : item.substr(colon + 1);
    if (name == "flip") {
      if (colon != std::string::npos) bad_item(item, "takes no value");
      options.flip = true;
    } else if (name == "crop") {
      std::size_t padding = 0;
      const auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), padding);
      if (value.empty() || ec != std::errc() || ptr != value.data() + value.size() || padding < 1 ||
          padding > 64)
        bad_item(item, "needs a padding of 1 to 64 pixels, as in \"crop:4\"");
      options.crop_padding = padding;
    } else if (name == "jitter") {
      char* end = nullptr;
      const float j = value.empty() ? 0.0f : std::strtof(value.c_str(), &end);
      if (value.empty() || end != value.c_str() + value.size() || !(j > 0.0f && j < 1.0f))
        bad_item(item, "needs a strength between 0 and 1, as in \"jitter:0.1\"");
      options.jitter = j;
    } else {
      bad_item(item, "is not an augmentation");
    }
  }
  return options;
}

std::vector<std::string> format_image_augment(const ImageAugmentOptions& options) {
  std::vector<std::string> items;
  if (options.crop_padding > 0) items.push_back(fmt::format("crop:{}", options.crop_padding));
  if (options.flip) items.push_back("flip");
  if (options.jitter > 0.0f) items.push_back(fmt::format("jitter:{}", options.jitter));
  return items;
}

ImageAugmenter::ImageAugmenter(const ImageAugmentOptions& options, std::uint64_t seed)
    : options_(options), rng_(seed) {}

void ImageAugmenter::apply(Tensor& x) {
  const Shape& shape = x.shape();
  SCRATCHNET_CHECK(shape.rank() == 4, "augmentation needs (B, C, H, W) batches, got {}",
                   shape.str());
  const std::size_t batch = shape[0], channels = shape[1], height = shape[2], width = shape[3];
  const std::size_t size = channels * height * width;
  const std::size_t p = options_.crop_padding;
  for (std::size_t i = 0; i < batch; ++i) {
    float* image = x.data() + i * size;
    // The draws of one sample, always in this order.
    if (p > 0) {
      const auto dy = static_cast<std::size_t>(rng_.below(2 * p + 1));
      const auto dx = static_cast<std::size_t>(rng_.below(2 * p + 1));
      if (dy != p || dx != p) crop(image, channels, height, width, p, dy, dx, scratch_);
    }
    if (options_.flip && rng_.below(2) == 1) flip(image, channels * height, width);
    if (options_.jitter > 0.0f) {
      const double j = options_.jitter;
      const auto brightness = static_cast<float>(rng_.uniform(1.0 - j, 1.0 + j));
      const auto contrast = static_cast<float>(rng_.uniform(1.0 - j, 1.0 + j));
      jitter(image, size, brightness, contrast);
    }
  }
}

}  // namespace scratchnet
