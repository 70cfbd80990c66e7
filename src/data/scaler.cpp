#include "scratchnet/data/scaler.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

#include "scratchnet/core/error.h"

namespace scratchnet {

ScalerKind parse_scaler_kind(const std::string& text) {
  if (text == "none") return ScalerKind::kNone;
  if (text == "standard") return ScalerKind::kStandard;
  if (text == "minmax") return ScalerKind::kMinMax;
  throw_usage("unknown scaler '{}': expected none, standard or minmax", text);
}

std::string to_string(ScalerKind kind) {
  switch (kind) {
    case ScalerKind::kNone:
      return "none";
    case ScalerKind::kStandard:
      return "standard";
    case ScalerKind::kMinMax:
      return "minmax";
  }
  throw_internal("unknown ScalerKind {}", static_cast<int>(kind));
}

Scaler::Scaler(ScalerKind kind, std::vector<float> offset, std::vector<float> factor)
    : kind_(kind), offset_(std::move(offset)), factor_(std::move(factor)) {
  if (offset_.size() != factor_.size()) {
    throw_data("scaler has {} offsets but {} factors", offset_.size(), factor_.size());
  }
}

Scaler Scaler::fit(ScalerKind kind, const Dataset& data, const std::vector<bool>& scaled) {
  const std::size_t d = data.num_features();
  const std::size_t n = data.size();
  if (n == 0) throw_usage("cannot fit a scaler to the empty data set '{}'", data.name);
  std::vector<float> offset(d, 0.0f), factor(d, 1.0f);
  if (kind == ScalerKind::kNone) return Scaler(kind, std::move(offset), std::move(factor));
  const std::span<const float> features = data.float_features();
  SCRATCHNET_CHECK(features.size() == n * d, "{} feature values for {} x {} samples", features.size(), n, d);
  SCRATCHNET_CHECK(scaled.empty() || scaled.size() == d, "a mask of {} for {} features",
                   scaled.size(), d);

  for (std::size_t j = 0; j < d; ++j) {
    if (!scaled.empty() && !scaled[j]) continue;  // stays (0, 1)
    // Per-column statistics in double: min, max, mean, then the population
    // variance around the mean (two passes, so large offsets do not cancel).
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double x = features[i * d + j];
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      sum += x;
    }
    if (kind == ScalerKind::kMinMax) {
      offset[j] = static_cast<float>(lo);
      factor[j] = hi > lo ? static_cast<float>(1.0 / (hi - lo)) : 1.0f;
      continue;
    }
    // A constant column is centred exactly on its value and left unscaled.
    if (!(hi > lo)) {
      offset[j] = static_cast<float>(lo);
      factor[j] = 1.0f;
      continue;
    }
    const double mean = sum / static_cast<double>(n);
    double squares = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      const double diff = features[i * d + j] - mean;
      squares += diff * diff;
    }
    const double std_dev = std::sqrt(squares / static_cast<double>(n));
    offset[j] = static_cast<float>(mean);
    factor[j] = std_dev > 0.0 ? static_cast<float>(1.0 / std_dev) : 1.0f;
  }
  return Scaler(kind, std::move(offset), std::move(factor));
}

void Scaler::apply(Dataset& data) const {
  if (kind_ == ScalerKind::kNone) return;
  data.materialize_features();
  apply(std::span<float>(data.features));
}

void Scaler::apply(std::span<float> features) const {
  if (kind_ == ScalerKind::kNone) return;
  const std::size_t d = offset_.size();
  if (d == 0) return;
  SCRATCHNET_CHECK(features.size() % d == 0, "{} values are not rows of {} features",
                   features.size(), d);
  for (std::size_t start = 0; start < features.size(); start += d) {
    for (std::size_t j = 0; j < d; ++j) {
      features[start + j] = (features[start + j] - offset_[j]) * factor_[j];
    }
  }
}

}  // namespace scratchnet
