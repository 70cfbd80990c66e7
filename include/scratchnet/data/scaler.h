#pragma once
// Feature scaling fitted on training data only and stored in the model:
//   standard  x' = (x - mean) / std     (population std; 1 where std == 0)
//   minmax    x' = (x - min) / (max - min)   (1 where max == min)
//   none      x' = x
// Seed 000 found standard scaling best on AReM, so it is the tabular default.
// Stored as per-feature (offset, factor): x' = (x - offset) * factor.

#include <span>
#include <string>
#include <vector>

#include "scratchnet/data/dataset.h"

namespace scratchnet {

enum class ScalerKind { kNone, kStandard, kMinMax };

ScalerKind parse_scaler_kind(const std::string& text);  // usage error on unknown
std::string to_string(ScalerKind kind);

class Scaler {
 public:
  Scaler() = default;
  Scaler(ScalerKind kind, std::vector<float> offset, std::vector<float> factor);

  // Fits to `data` (features only). Requires a non-empty data set.
  // `scaled`, when not empty, has one entry per feature: false leaves that
  // feature as it is (offset 0, factor 1), as the one-hot and indicator
  // columns of a TabularPipeline (data/tabular.h) are left.
  static Scaler fit(ScalerKind kind, const Dataset& data, const std::vector<bool>& scaled = {});

  // Scales rows of `features` (rows x offset().size()) in place.
  void apply(std::span<float> features) const;
  // Scales the features of `data`, first copying image bytes or borrowed
  // features into data.features (Dataset::materialize_features) unless the kind is none.
  void apply(Dataset& data) const;

  ScalerKind kind() const { return kind_; }
  const std::vector<float>& offset() const { return offset_; }
  const std::vector<float>& factor() const { return factor_; }

 private:
  ScalerKind kind_ = ScalerKind::kNone;
  std::vector<float> offset_, factor_;
};

}  // namespace scratchnet
