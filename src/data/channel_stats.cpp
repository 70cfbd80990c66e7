#include "scratchnet/data/channel_stats.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/core/error.h"

namespace scratchnet {

namespace {

// Images decoded batch by batch (data.cache = "none"): sums in double.
ChannelStats fit_streamed(const Dataset& images, std::size_t channels, std::size_t plane) {
  std::vector<double> sum(channels, 0.0), squares(channels, 0.0);
  constexpr std::size_t kBatch = 256;
  Tensor x, targets;
  std::vector<std::int32_t> labels;
  std::vector<std::size_t> indices;
  Dataset raw = images;
  raw.channel_mean.clear();  // the pixels as they come, in [0, 1]
  raw.channel_std.clear();
  for (std::size_t start = 0; start < raw.size(); start += kBatch) {
    indices.clear();
    for (std::size_t i = start; i < std::min(raw.size(), start + kBatch); ++i) indices.push_back(i);
    raw.gather(indices, x, labels, targets);
    for (std::size_t s = 0; s < indices.size(); ++s)
      for (std::size_t c = 0; c < channels; ++c) {
        const float* p = x.data() + (s * channels + c) * plane;
        for (std::size_t i = 0; i < plane; ++i) {
          sum[c] += p[i];
          squares[c] += static_cast<double>(p[i]) * p[i];
        }
      }
  }
  ChannelStats stats;
  const double count = static_cast<double>(raw.size() * plane);
  for (std::size_t c = 0; c < channels; ++c) {
    const double mean = sum[c] / count;
    const double sd = std::sqrt(std::max(0.0, squares[c] / count - mean * mean));
    stats.mean.push_back(static_cast<float>(mean));
    stats.std.push_back(sd > 0.0 ? static_cast<float>(sd) : 1.0f);
  }
  return stats;
}

}  // namespace

ChannelStats fit_channel_stats(const Dataset& images) {
  const Shape& shape = images.sample_shape;
  if (!images.is_image() || shape.rank() != 3)
    throw_usage(
        "{}: per-channel standardisation needs images held as bytes, shape (C, H, W); "
        "this data set has shape {}",
        images.name, shape.str());
  const std::size_t n = images.size();
  if (n == 0) throw_data("{}: cannot fit channel statistics on no images", images.name);
  const std::size_t channels = shape[0], plane = shape[1] * shape[2];
  if (images.stream) return fit_streamed(images, channels, plane);

  // Byte histograms per channel: exact sums whatever the set's size.
  std::vector<std::vector<std::uint64_t>> histogram(channels, std::vector<std::uint64_t>(256, 0));
  const std::uint8_t* pixels = images.pixels.data();
  for (std::size_t s = 0; s < n; ++s)
    for (std::size_t c = 0; c < channels; ++c) {
      const std::uint8_t* p = pixels + (s * channels + c) * plane;
      auto& h = histogram[c];
      for (std::size_t i = 0; i < plane; ++i) ++h[p[i]];
    }

  ChannelStats stats;
  const double count = static_cast<double>(n * plane);
  const double scale = images.pixel_scale;
  for (std::size_t c = 0; c < channels; ++c) {
    double sum = 0.0;
    for (int v = 0; v < 256; ++v) sum += static_cast<double>(histogram[c][v]) * v * scale;
    const double mean = sum / count;
    double squares = 0.0;
    for (int v = 0; v < 256; ++v) {
      const double d = v * scale - mean;
      squares += static_cast<double>(histogram[c][v]) * d * d;
    }
    const double sd = std::sqrt(squares / count);
    stats.mean.push_back(static_cast<float>(mean));
    stats.std.push_back(sd > 0.0 ? static_cast<float>(sd) : 1.0f);
  }
  return stats;
}

void standardize_channels(const ChannelStats& stats, Tensor& x) {
  const Shape& shape = x.shape();
  SCRATCHNET_CHECK(shape.rank() == 4 && shape[1] == stats.mean.size(),
                   "channel standardisation of {} with {} channels", shape.str(),
                   stats.mean.size());
  const std::size_t batch = shape[0], channels = shape[1], plane = shape[2] * shape[3];
  for (std::size_t b = 0; b < batch; ++b)
    for (std::size_t c = 0; c < channels; ++c) {
      float* p = x.data() + (b * channels + c) * plane;
      const float mean = stats.mean[c], inv = 1.0f / stats.std[c];
      for (std::size_t i = 0; i < plane; ++i) p[i] = (p[i] - mean) * inv;
    }
}

Scaler channel_scaler(const ChannelStats& stats, const Shape& sample_shape) {
  SCRATCHNET_CHECK(sample_shape.rank() == 3 && sample_shape[0] == stats.mean.size(),
                   "channel scaler for {} with {} channels", sample_shape.str(), stats.mean.size());
  const std::size_t plane = sample_shape[1] * sample_shape[2];
  std::vector<float> offset, factor;
  for (std::size_t c = 0; c < stats.mean.size(); ++c) {
    offset.insert(offset.end(), plane, stats.mean[c]);
    factor.insert(factor.end(), plane, 1.0f / stats.std[c]);
  }
  return Scaler(ScalerKind::kStandard, std::move(offset), std::move(factor));
}

}  // namespace scratchnet
