#include "scratchnet/data/dataset.h"

#include <algorithm>

#include "scratchnet/core/error.h"
#include "scratchnet/data/image_stream.h"

namespace scratchnet {

std::size_t Dataset::size() const {
  // Labelled: one label (or target row) per sample; unlabelled rows to predict: the feature rows.
  if (task == Task::kClassification && !labels.empty()) return labels.size();
  if (task == Task::kRegression && !targets.empty()) return target_dim == 0 ? 0 : targets.size() / target_dim;
  const std::size_t d = num_features();
  if (d == 0) return 0;
  return (is_image() ? pixels.size() : float_features().size()) / d;
}

std::size_t Dataset::num_outputs() const {
  return task == Task::kClassification ? class_names.size() : target_dim;
}

Dataset Dataset::subset(std::span<const std::size_t> indices) const {
  Dataset out;
  out.name = name;
  out.task = task;
  out.sample_shape = sample_shape;
  out.target_dim = target_dim;
  out.class_names = class_names;
  out.feature_names = feature_names;
  out.pixel_scale = pixel_scale;
  out.channel_mean = channel_mean;
  out.channel_std = channel_std;

  const std::size_t d = num_features();
  const std::size_t n = size();
  const bool streamed = stream != nullptr;
  const bool image = is_image() && !streamed;
  const float* feature_values = float_features().data();
  if (streamed) {
    out.stream = stream;
    out.stream_rows.resize(indices.size());
  } else if (image) {
    out.pixels.resize(indices.size() * d);
  } else {
    out.features.resize(indices.size() * d);
  }
  const bool with_labels = labelled();
  if (with_labels && task == Task::kClassification) out.labels.resize(indices.size());
  if (with_labels && task == Task::kRegression) out.targets.resize(indices.size() * target_dim);
  for (std::size_t i = 0; i < indices.size(); ++i) {
    const std::size_t src = indices[i];
    SCRATCHNET_CHECK(src < n, "subset index {} out of range for {} samples", src, n);
    if (streamed) {
      out.stream_rows[i] = stream_rows.empty() ? src : stream_rows[src];
    } else if (image) {
      std::copy_n(pixels.data() + src * d, d, out.pixels.data() + i * d);
    } else {
      std::copy_n(feature_values + src * d, d, out.features.data() + i * d);
    }
    if (!with_labels) continue;
    if (task == Task::kClassification) {
      out.labels[i] = labels[src];
    } else {
      std::copy_n(targets.begin() + static_cast<std::ptrdiff_t>(src * target_dim), target_dim,
                  out.targets.begin() + static_cast<std::ptrdiff_t>(i * target_dim));
    }
  }
  return out;
}

void Dataset::gather(std::span<const std::size_t> indices, Tensor& x,
                     std::vector<std::int32_t>& batch_labels, Tensor& batch_targets,
                     const std::function<void(Tensor&)>& augment) const {
  const std::size_t d = num_features();
  const std::size_t n = size();
  const std::size_t b = indices.size();
  const bool image = is_image();
  if (stream) {
    // Decoded now (or ahead, by prefetch) from the files.
    std::vector<std::size_t> rows(indices.begin(), indices.end());
    for (std::size_t& r : rows) {
      SCRATCHNET_CHECK(r < n, "batch index {} out of range for {} samples", r, n);
      if (!stream_rows.empty()) r = stream_rows[r];
    }
    std::vector<std::int32_t> stream_labels;
    stream->gather(rows, x, stream_labels);
    batch_labels.resize(b);
    for (std::size_t i = 0; i < b; ++i) batch_labels[i] = labels.empty() ? 0 : labels[indices[i]];
    if (augment) augment(x);
    normalize_channels(x.data(), b);
    return;
  }
  const float* feature_values = float_features().data();
  x.resize(sample_shape.with_batch(b));
  if (task == Task::kClassification) {
    batch_labels.resize(b);
  } else {
    batch_labels.clear();
    batch_targets.resize(Shape{b, target_dim});
  }
  for (std::size_t i = 0; i < b; ++i) {
    const std::size_t src = indices[i];
    SCRATCHNET_CHECK(src < n, "batch index {} out of range for {} samples", src, n);
    if (image) {
      // Bytes to float, scaled: the only copy of an image set that is float.
      const std::uint8_t* in = pixels.data() + src * d;
      float* out = x.data() + i * d;
      for (std::size_t j = 0; j < d; ++j) out[j] = static_cast<float>(in[j]) * pixel_scale;
    } else {
      std::copy_n(feature_values + src * d, d, x.data() + i * d);
    }
    // Unlabelled data (rows to predict) gathers zeros as its labels or targets.
    if (task == Task::kClassification) {
      batch_labels[i] = labels.empty() ? 0 : labels[src];
    } else if (targets.empty()) {
      std::fill_n(batch_targets.data() + i * target_dim, target_dim, 0.0f);
    } else {
      std::copy_n(targets.data() + src * target_dim, target_dim,
                  batch_targets.data() + i * target_dim);
    }
  }
  if (image && augment) augment(x);
  if (image) normalize_channels(x.data(), b);
}

void Dataset::prefetch(std::span<const std::size_t> indices) const {
  if (!stream) return;
  std::vector<std::size_t> rows(indices.begin(), indices.end());
  if (!stream_rows.empty())
    for (std::size_t& r : rows) r = stream_rows[r];
  stream->prefetch(rows);
}

void Dataset::materialize_features() {
  if (!borrowed_features.empty()) {
    features.assign(borrowed_features.begin(), borrowed_features.end());
    borrowed_features = {};
    return;
  }
  if (!is_image()) return;
  if (stream)
    throw_usage("{}: images read with data.cache = \"none\" are never all in memory: scale them with "
                "data.scale = \"standard\" (per channel) or \"none\"",
                name);
  features.resize(pixels.size());
  for (std::size_t i = 0; i < pixels.size(); ++i)
    features[i] = static_cast<float>(pixels[i]) * pixel_scale;
  normalize_channels(features.data(), size());
  channel_mean.clear();
  channel_std.clear();
  pixels.clear();
  pixels.shrink_to_fit();
}

void Dataset::normalize_channels(float* x, std::size_t samples) const {
  if (channel_mean.empty()) return;
  const std::size_t channels = channel_mean.size(), plane = num_features() / channels;
  for (std::size_t s = 0; s < samples; ++s)
    for (std::size_t c = 0; c < channels; ++c) {
      float* p = x + (s * channels + c) * plane;
      const float mean = channel_mean[c], inv = 1.0f / channel_std[c];
      for (std::size_t i = 0; i < plane; ++i) p[i] = (p[i] - mean) * inv;
    }
}

std::vector<std::size_t> Dataset::class_counts() const {
  std::vector<std::size_t> counts(class_names.size(), 0);
  for (std::int32_t label : labels) {
    SCRATCHNET_CHECK(label >= 0 && static_cast<std::size_t>(label) < counts.size(),
                     "label {} out of range for {} classes", label, counts.size());
    ++counts[static_cast<std::size_t>(label)];
  }
  return counts;
}

}  // namespace scratchnet
