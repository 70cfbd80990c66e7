// Dropout: identity in eval mode, keeps about 1 - p of the elements in train
// mode without changing the mean, a mask that depends only on the seed, rate
// validation, and a backward that reuses the forward's mask.

#include <cmath>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/dropout.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

Tensor random_input(std::size_t n, std::size_t d, std::uint64_t seed) {
  Rng rng(seed);
  Tensor x(Shape{n, d});
  for (auto& v : x.span()) v = static_cast<float>(rng.uniform(-1, 1));
  return x;
}

// Which elements the layer kept on a train forward of ones.
std::vector<bool> kept(Layer<float>& layer, std::size_t n, std::size_t d) {
  Tensor x(Shape{n, d});
  x.fill(1.0f);
  const auto& y = layer.forward(x, Mode::kTrain);
  std::vector<bool> mask;
  for (float v : y.span()) mask.push_back(v != 0.0f);
  return mask;
}

TEST(Dropout, EvalModeIsTheIdentity) {
  auto layer = make_layer<float>({"dropout", {{"rate", 0.5}}}, Shape{7});
  EXPECT_EQ(layer->output_shape(), Shape{7});
  EXPECT_TRUE(layer->params().empty());
  const Tensor x = random_input(4, 7, 1);
  const auto& y = layer->forward(x, Mode::kEval);
  ASSERT_EQ(y.shape(), x.shape());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i]) << i;
  const Tensor dy = random_input(4, 7, 2);
  const auto& dx = layer->backward(dy);
  for (std::size_t i = 0; i < dy.size(); ++i) EXPECT_EQ(dx[i], dy[i]) << i;
}

TEST(Dropout, TrainModeKeepsAboutOneMinusPAndPreservesTheMean) {
  auto layer = make_layer<float>({"dropout", {{"rate", 0.3}}}, Shape{1000});
  Tensor x(Shape{100, 1000});
  x.fill(1.0f);
  const auto& y = layer->forward(x, Mode::kTrain);
  std::size_t kept_count = 0;
  double sum = 0;
  for (float v : y.span()) {
    if (v != 0.0f) {
      ++kept_count;
      EXPECT_FLOAT_EQ(v, 1.0f / 0.7f);
    }
    sum += v;
  }
  const double n = static_cast<double>(y.size());
  EXPECT_NEAR(static_cast<double>(kept_count) / n, 0.7, 0.01);
  EXPECT_NEAR(sum / n, 1.0, 0.01);  // the input mean, within 1%
}

TEST(Dropout, MaskDependsOnlyOnTheSeed) {
  auto a = make_layer<float>({"dropout", {{"rate", 0.5}}}, Shape{64});
  auto b = make_layer<float>({"dropout", {{"rate", 0.5}}}, Shape{64});
  a->reseed(42);
  b->reseed(42);
  const auto mask42 = kept(*a, 8, 64);
  EXPECT_EQ(mask42, kept(*b, 8, 64));
  // Reseeding restarts the stream; without it the next mask differs.
  EXPECT_NE(mask42, kept(*a, 8, 64));
  a->reseed(42);
  EXPECT_EQ(mask42, kept(*a, 8, 64));
  a->reseed(43);
  EXPECT_NE(mask42, kept(*a, 8, 64));
  // Before any reseed the stream is Rng(0).
  auto fresh = make_layer<float>({"dropout", {{"rate", 0.5}}}, Shape{64});
  const auto default_mask = kept(*fresh, 8, 64);
  a->reseed(0);
  EXPECT_EQ(default_mask, kept(*a, 8, 64));
}

TEST(Dropout, RateOutsideZeroToOneIsAUsageError) {
  for (double rate : {1.0, -0.1, 1.5, std::nan("")}) {
    try {
      make_layer<float>({"dropout", {{"rate", rate}}}, Shape{3});
      ADD_FAILURE() << "rate " << rate << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
      EXPECT_NE(std::string(e.what()).find("rate"), std::string::npos) << e.what();
    }
  }
  EXPECT_THROW(make_layer<float>({"dropout", {}}, Shape{3}), Error);
}

TEST(Dropout, RateZeroIsTheIdentityInTrainMode) {
  auto layer = make_layer<float>({"dropout", {{"rate", 0.0}}}, Shape{5});
  const Tensor x = random_input(3, 5, 4);
  const auto& y = layer->forward(x, Mode::kTrain);
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i]) << i;
}

TEST(Dropout, BackwardMultipliesByTheForwardMask) {
  auto layer = make_layer<double>({"dropout", {{"rate", 0.25}}}, Shape{10});
  BasicTensor<double> x(Shape{6, 10});
  x.fill(2.0);
  const BasicTensor<double> y = layer->forward(x, Mode::kTrain);
  BasicTensor<double> dy(y.shape());
  Rng rng(9);
  for (auto& v : dy.span()) v = rng.uniform(-1, 1);
  const auto& dx = layer->backward(dy);
  std::size_t dropped = 0;
  for (std::size_t i = 0; i < y.size(); ++i) {
    const double mask = y[i] / x[i];  // 0 or 1 / (1 - p)
    EXPECT_TRUE(mask == 0.0 || std::abs(mask - 1 / 0.75) < 1e-15) << mask;
    EXPECT_DOUBLE_EQ(dx[i], dy[i] * mask) << i;
    dropped += mask == 0.0;
  }
  EXPECT_GT(dropped, 0u);
  EXPECT_LT(dropped, y.size());
}

}  // namespace
}  // namespace scratchnet
