// The synthetic sets (xor, or, sine) and the resolution of --data names.

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"

namespace scratchnet {
namespace {

TEST(Synthetic, XorDefaultSizeCornersAndLabels) {
  const Dataset d = make_xor(0, 42);
  EXPECT_EQ(d.name, "xor");
  EXPECT_EQ(d.size(), 400u);
  EXPECT_EQ(d.num_features(), 2u);
  EXPECT_EQ(d.class_names, (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(d.class_counts(), (std::vector<std::size_t>{200, 200}));
  // Each point is near its corner (noise std 0.15: within 5 sigma) and the
  // label is the XOR of the corner's coordinates.
  std::vector<int> per_corner(4, 0);
  for (std::size_t i = 0; i < d.size(); ++i) {
    const float x = d.features[2 * i], y = d.features[2 * i + 1];
    const int a = std::lround(x) != 0, b = std::lround(y) != 0;
    EXPECT_LT(std::abs(x - static_cast<float>(a)), 0.75f);
    EXPECT_LT(std::abs(y - static_cast<float>(b)), 0.75f);
    ++per_corner[static_cast<std::size_t>(2 * a + b)];
    EXPECT_EQ(d.labels[i], a != b ? 1 : 0) << i;
  }
  for (int count : per_corner) EXPECT_NEAR(count, 100, 2);
}

TEST(Synthetic, NoiseHasTheStatedSpread) {
  const Dataset d = make_xor(4000, 1);
  double sum = 0, squares = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    const double corner_x = static_cast<double>((i % 4) / 2);
    const double noise = d.features[2 * i] - corner_x;
    sum += noise;
    squares += noise * noise;
  }
  const double n = static_cast<double>(d.size());
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(std::sqrt(squares / n), 0.15, 0.01);
}

TEST(Synthetic, OrLabels) {
  const Dataset d = make_or(0, 42);
  EXPECT_EQ(d.name, "or");
  EXPECT_EQ(d.size(), 400u);
  EXPECT_EQ(d.class_counts(), (std::vector<std::size_t>{100, 300}));
  const Dataset small = make_or(8, 3);
  EXPECT_EQ(small.labels, (std::vector<std::int32_t>{0, 1, 1, 1, 0, 1, 1, 1}));
}

TEST(Synthetic, SineIsRegression) {
  const Dataset d = make_sine(0, 42);
  EXPECT_EQ(d.name, "sine");
  EXPECT_EQ(d.task, Task::kRegression);
  EXPECT_EQ(d.size(), 500u);
  EXPECT_EQ(d.num_features(), 1u);
  EXPECT_EQ(d.num_outputs(), 1u);
  double residual_squares = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    EXPECT_GE(d.features[i], -3.0f);
    EXPECT_LT(d.features[i], 3.0f);
    const double residual = d.targets[i] - std::sin(d.features[i]);
    residual_squares += residual * residual;
  }
  EXPECT_NEAR(std::sqrt(residual_squares / 500), 0.1, 0.015);
}

TEST(Synthetic, SameSeedSameData) {
  EXPECT_EQ(make_xor(0, 5).features, make_xor(0, 5).features);
  EXPECT_NE(make_xor(0, 5).features, make_xor(0, 6).features);
  EXPECT_EQ(make_sine(50, 5).targets, make_sine(50, 5).targets);
  EXPECT_NE(make_sine(50, 5).targets, make_sine(50, 7).targets);
  EXPECT_EQ(make_or(10, 5).size(), 10u);
}

TEST(Synthetic, LoadDatasetByName) {
  DataOptions options;
  options.source = "xor";
  options.seed = 9;
  options.synthetic_samples = 40;
  const Dataset d = load_dataset(options);
  EXPECT_EQ(d.size(), 40u);
  EXPECT_EQ(d.features, make_xor(40, 9).features);
  options.source = "sine";
  options.synthetic_samples = 0;
  EXPECT_EQ(load_dataset(options).size(), 500u);
  options.source = "or";
  EXPECT_EQ(load_dataset(options).class_names.size(), 2u);
  EXPECT_EQ(builtin_dataset_names(),
            (std::vector<std::string>{"arem", "digits", "xor", "or", "sine", "fashion-mnist",
                                      "mnist"}));
}

TEST(Synthetic, UnknownNameIsAUsageErrorAndPathsAreFiles) {
  DataOptions options;
  options.source = "minst";
  try {
    load_dataset(options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("unknown data set 'minst'"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("arem, digits, xor, or, sine"), std::string::npos);
  }
  options.source = "missing_file.csv";
  try {
    load_dataset(options);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_NE(std::string(e.what()).find("cannot open 'missing_file.csv'"), std::string::npos);
  }
}

}  // namespace
}  // namespace scratchnet
