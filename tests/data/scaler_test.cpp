// Feature scaling: statistics in double from the training set only, constant
// columns, min-max, and the stored (offset, factor) form.

#include "scratchnet/data/scaler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// A (rows x cols) classification set with the given features.
Dataset table(std::size_t cols, std::vector<float> features) {
  Dataset d;
  d.sample_shape = Shape{cols};
  d.features = std::move(features);
  d.labels.assign(d.features.size() / cols, 0);
  d.class_names = {"0"};
  return d;
}

TEST(Scaler, StandardUsesPopulationMeanAndStd) {
  // Column 0: 1, 2, 3, 4 -> mean 2.5, population std sqrt(1.25).
  // Column 1: 10, 10, 10, 10 -> constant.
  Dataset d = table(2, {1, 10, 2, 10, 3, 10, 4, 10});
  const Scaler s = Scaler::fit(ScalerKind::kStandard, d);
  EXPECT_EQ(s.kind(), ScalerKind::kStandard);
  ASSERT_EQ(s.offset().size(), 2u);
  EXPECT_FLOAT_EQ(s.offset()[0], 2.5f);
  EXPECT_FLOAT_EQ(s.factor()[0], static_cast<float>(1.0 / std::sqrt(1.25)));
  EXPECT_EQ(s.offset()[1], 10.0f);
  EXPECT_EQ(s.factor()[1], 1.0f);  // zero variance: left unscaled
  s.apply(d);
  const float a = static_cast<float>(1.5 / std::sqrt(1.25));
  const float b = static_cast<float>(0.5 / std::sqrt(1.25));
  const std::vector<float> expected{-a, 0, -b, 0, b, 0, a, 0};
  for (std::size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(d.features[i], expected[i], 1e-6f);
}

TEST(Scaler, ScaledTrainingDataHasZeroMeanUnitVariance) {
  std::vector<float> values;
  for (int i = 0; i < 1000; ++i) {
    values.push_back(1e4f + 0.37f * static_cast<float>(i % 17));  // large offset, small spread
    values.push_back(-3.0f * static_cast<float>(i));
  }
  Dataset d = table(2, values);
  Scaler::fit(ScalerKind::kStandard, d).apply(d);
  for (std::size_t j = 0; j < 2; ++j) {
    double sum = 0, squares = 0;
    for (std::size_t i = 0; i < 1000; ++i) sum += d.features[i * 2 + j];
    for (std::size_t i = 0; i < 1000; ++i) {
      const double diff = d.features[i * 2 + j] - sum / 1000;
      squares += diff * diff;
    }
    EXPECT_NEAR(sum / 1000, 0.0, 1e-4) << j;
    EXPECT_NEAR(squares / 1000, 1.0, 1e-3) << j;
  }
}

TEST(Scaler, ZeroVarianceColumnsBecomeZero) {
  // 0.1f is not exact in binary: a constant column must still map to exactly 0.
  Dataset d = table(1, std::vector<float>(777, 0.1f));
  for (ScalerKind kind : {ScalerKind::kStandard, ScalerKind::kMinMax}) {
    Dataset copy = d;
    const Scaler s = Scaler::fit(kind, copy);
    EXPECT_EQ(s.factor()[0], 1.0f);
    s.apply(copy);
    for (float v : copy.features) ASSERT_EQ(v, 0.0f) << to_string(kind);
  }
}

TEST(Scaler, FitOnTrainOnly) {
  const Dataset train = table(1, {0, 2, 4});
  Dataset test = table(1, {100, 200});
  const Scaler s = Scaler::fit(ScalerKind::kStandard, train);
  const std::vector<float> offset = s.offset(), factor = s.factor();
  s.apply(test);
  // The scaler keeps the training statistics; test data does not change it.
  EXPECT_EQ(s.offset(), offset);
  EXPECT_EQ(s.factor(), factor);
  EXPECT_FLOAT_EQ(s.offset()[0], 2.0f);
  const float std_dev = static_cast<float>(std::sqrt(8.0 / 3.0));
  EXPECT_FLOAT_EQ(test.features[0], 98.0f / std_dev);
  EXPECT_FLOAT_EQ(test.features[1], 198.0f / std_dev);
  // Fitting on train + test would give other statistics.
  const Scaler both = Scaler::fit(ScalerKind::kStandard, table(1, {0, 2, 4, 100, 200}));
  EXPECT_NE(both.offset()[0], s.offset()[0]);
}

TEST(Scaler, MinMax) {
  Dataset d = table(2, {-1, 5, 3, 5, 1, 5});
  const Scaler s = Scaler::fit(ScalerKind::kMinMax, d);
  EXPECT_EQ(s.offset(), (std::vector<float>{-1, 5}));
  EXPECT_EQ(s.factor(), (std::vector<float>{0.25f, 1}));
  s.apply(d);
  EXPECT_EQ(d.features, (std::vector<float>{0, 0, 1, 0, 0.5f, 0}));
  // Unseen data may fall outside [0, 1].
  std::vector<float> unseen{7, 6};
  s.apply(std::span<float>(unseen));
  EXPECT_EQ(unseen, (std::vector<float>{2, 1}));
}

TEST(Scaler, NoneLeavesDataAlone) {
  Dataset d = table(2, {1, 2, 3, 4});
  const Scaler s = Scaler::fit(ScalerKind::kNone, d);
  s.apply(d);
  EXPECT_EQ(d.features, (std::vector<float>{1, 2, 3, 4}));
  Scaler default_scaler;
  default_scaler.apply(d);
  EXPECT_EQ(d.features, (std::vector<float>{1, 2, 3, 4}));
}

TEST(Scaler, StoredFormRoundTrips) {
  const Scaler s(ScalerKind::kStandard, {1, 2}, {0.5f, 4});
  std::vector<float> x{3, 2, 5, 2.25f};
  s.apply(std::span<float>(x));
  EXPECT_EQ(x, (std::vector<float>{1, 0, 2, 1}));
  EXPECT_THROW(Scaler(ScalerKind::kStandard, {1, 2}, {1}), Error);
}

TEST(Scaler, KindNames) {
  for (ScalerKind kind : {ScalerKind::kNone, ScalerKind::kStandard, ScalerKind::kMinMax}) {
    EXPECT_EQ(parse_scaler_kind(to_string(kind)), kind);
  }
  try {
    parse_scaler_kind("zscore");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("unknown scaler 'zscore'"), std::string::npos);
  }
}

TEST(Scaler, EmptyDataIsAnError) {
  const Dataset empty = table(3, {});
  EXPECT_THROW(Scaler::fit(ScalerKind::kStandard, empty), Error);
}

}  // namespace
}  // namespace scratchnet
