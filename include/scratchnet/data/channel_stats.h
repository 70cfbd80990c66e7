#pragma once
// Per-channel standardisation of images (data.scale = "standard" on image
// data): the mean and standard deviation of each channel, fitted on the
// training images only, then applied to every batch:
//   x'[b, c, h, w] = (x[b, c, h, w] - mean[c]) / std[c]
// where x is the feature value (pixel * pixel_scale, in [0, 1]). This is
// torchvision's Normalize with statistics of the data set itself. The std is
// the population one, 1 for a constant channel (as Scaler does). Keeping the
// pixels as bytes, it costs no memory; the per-feature Scaler form is for
// storing it where a model keeps its Scaler today.

#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"

namespace scratchnet {

struct SCRATCHNET_API ChannelStats {
  std::vector<float> mean, std;  // one per channel
};

// Fits on an image set: pixels held as bytes, sample_shape (C, H, W).
// Requires at least one sample (data error otherwise).
SCRATCHNET_API ChannelStats fit_channel_stats(const Dataset& images);

// Standardises x (B, C, H, W) in place. Requires C == stats.mean.size().
SCRATCHNET_API void standardize_channels(const ChannelStats& stats, Tensor& x);

// The same transform as a per-feature Scaler over (C, H, W) features:
// offset = mean[c], factor = 1 / std[c] for every feature of channel c.
SCRATCHNET_API Scaler channel_scaler(const ChannelStats& stats, const Shape& sample_shape);

}  // namespace scratchnet
