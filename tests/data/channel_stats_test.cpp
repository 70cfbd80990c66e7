// Per-channel standardisation of image sets: mean and std per channel
// against a hand-computed case; standardised batches have mean 0 and std 1
// per channel; the per-feature Scaler form gives the same numbers.

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/channel_stats.h"

namespace scratchnet {
namespace {

// Two images (2, 1, 2): channel 0 holds 0, 51, 102, 153 (0, 0.2, 0.4, 0.6),
// channel 1 is 255 everywhere (constant).
Dataset two_images() {
  Dataset d;
  d.name = "test";
  d.sample_shape = Shape{2, 1, 2};
  d.pixels = {0, 51, 255, 255, 102, 153, 255, 255};
  d.labels = {0, 1};
  d.class_names = {"a", "b"};
  return d;
}

TEST(ChannelStats, FitsMeanAndStdPerChannel) {
  const ChannelStats s = fit_channel_stats(two_images());
  ASSERT_EQ(s.mean.size(), 2u);
  // Channel 0: mean 0.3, population variance (0.09 + 0.01 + 0.01 + 0.09) / 4 = 0.05.
  EXPECT_NEAR(s.mean[0], 0.3f, 1e-6f);
  EXPECT_NEAR(s.std[0], std::sqrt(0.05f), 1e-6f);
  // Channel 1: constant 1, std taken as 1.
  EXPECT_NEAR(s.mean[1], 1.0f, 1e-6f);
  EXPECT_EQ(s.std[1], 1.0f);
}

TEST(ChannelStats, StandardisedBatchesAndTheScalerFormAgree) {
  const Dataset d = two_images();
  const ChannelStats s = fit_channel_stats(d);
  Tensor x, targets;
  std::vector<std::int32_t> labels;
  const std::vector<std::size_t> all = {0, 1};
  d.gather(all, x, labels, targets);
  Tensor y = x;
  standardize_channels(s, x);
  // Channel 0 of both images: mean 0, std 1.
  const std::vector<float> c0 = {x[0], x[1], x[4], x[5]};
  const float mean = std::accumulate(c0.begin(), c0.end(), 0.0f) / 4;
  float var = 0;
  for (float v : c0) var += (v - mean) * (v - mean) / 4;
  EXPECT_NEAR(mean, 0.0f, 1e-6f);
  EXPECT_NEAR(var, 1.0f, 1e-5f);
  EXPECT_NEAR(x[2], 0.0f, 1e-6f);  // constant channel: x - mean

  channel_scaler(s, d.sample_shape).apply(y.span());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_NEAR(y[i], x[i], 1e-6f) << i;
}

TEST(ChannelStats, NeedsImages) {
  Dataset table;
  table.sample_shape = Shape{3};
  table.features = {1, 2, 3};
  table.labels = {0};
  EXPECT_THROW(fit_channel_stats(table), Error);
}

}  // namespace
}  // namespace scratchnet
