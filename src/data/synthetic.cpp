#include "scratchnet/data/synthetic.h"

#include <cmath>

#include "scratchnet/core/rng.h"

namespace scratchnet {
namespace {

constexpr std::size_t kXorOrDefaultSamples = 400;
constexpr std::size_t kSineDefaultSamples = 500;
constexpr double kCornerNoise = 0.15;
constexpr double kSineNoise = 0.1;

std::size_t default_if_zero(std::size_t samples, std::size_t fallback) {
  return samples == 0 ? fallback : samples;
}

// 2-D points around the corners of the unit square, corner i % 4 for sample i
// ((0,0), (0,1), (1,0), (1,1)), labelled by `rule` applied to the corner.
template <class Rule>
Dataset make_corners(const std::string& name, std::size_t samples, std::uint64_t seed, Rule rule) {
  samples = default_if_zero(samples, kXorOrDefaultSamples);
  Rng rng(seed);
  Dataset data;
  data.name = name;
  data.task = Task::kClassification;
  data.sample_shape = Shape{2};
  data.feature_names = {"x1", "x2"};
  data.class_names = {"0", "1"};
  data.features.resize(samples * 2);
  data.labels.resize(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const int a = static_cast<int>((i % 4) / 2);
    const int b = static_cast<int>(i % 2);
    data.features[2 * i] = static_cast<float>(a + kCornerNoise * rng.normal());
    data.features[2 * i + 1] = static_cast<float>(b + kCornerNoise * rng.normal());
    data.labels[i] = rule(a, b) ? 1 : 0;
  }
  return data;
}

}  // namespace

Dataset make_xor(std::size_t samples, std::uint64_t seed) {
  return make_corners("xor", samples, seed, [](int a, int b) { return a != b; });
}

Dataset make_or(std::size_t samples, std::uint64_t seed) {
  return make_corners("or", samples, seed, [](int a, int b) { return a != 0 || b != 0; });
}

Dataset make_sine(std::size_t samples, std::uint64_t seed) {
  samples = default_if_zero(samples, kSineDefaultSamples);
  Rng rng(seed);
  Dataset data;
  data.name = "sine";
  data.task = Task::kRegression;
  data.sample_shape = Shape{1};
  data.feature_names = {"x"};
  data.target_dim = 1;
  data.features.resize(samples);
  data.targets.resize(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    const double x = rng.uniform(-3.0, 3.0);
    data.features[i] = static_cast<float>(x);
    data.targets[i] = static_cast<float>(std::sin(x) + kSineNoise * rng.normal());
  }
  return data;
}

}  // namespace scratchnet
