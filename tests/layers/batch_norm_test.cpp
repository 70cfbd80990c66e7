// BatchNorm: eval uses the running statistics, train standardises each
// feature (or channel, for NCHW inputs) over the batch and updates the running
// statistics, and degenerate batches (constant, a single sample) stay finite.
// Gradients are checked in train mode by layer_contract_test; eval mode here.

#include <cmath>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/batch_norm.h"
#include "scratchnet/layers/registry.h"
#include "support/gradient_check.h"

namespace scratchnet {
namespace {

constexpr double kEps = 1e-5;

template <class T>
BasicTensor<T>& param(Layer<T>& layer, const std::string& name) {
  for (auto& p : layer.params())
    if (p.name == name) return *p.value;
  throw std::runtime_error("no param " + name);
}

template <class T>
BasicTensor<T>& buffer(Layer<T>& layer, const std::string& name) {
  for (auto& b : layer.buffers())
    if (b.name == name) return *b.value;
  throw std::runtime_error("no buffer " + name);
}

TEST(BatchNorm, StartsWithUnitScaleZeroShiftAndNeutralRunningStats) {
  auto layer = make_layer<float>({"batch_norm", {}}, Shape{3});
  EXPECT_EQ(layer->output_shape(), Shape{3});
  auto params = layer->params();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].name, "gamma");
  EXPECT_EQ(params[1].name, "beta");
  EXPECT_FALSE(params[0].decay);
  EXPECT_FALSE(params[1].decay);
  for (int c = 0; c < 3; ++c) {
    EXPECT_EQ(param(*layer, "gamma")[c], 1.0f);
    EXPECT_EQ(param(*layer, "beta")[c], 0.0f);
    EXPECT_EQ(buffer(*layer, "running_mean")[c], 0.0f);
    EXPECT_EQ(buffer(*layer, "running_var")[c], 1.0f);
  }
}

TEST(BatchNorm, EvalUsesRunningStatisticsAndLeavesThemAlone) {
  auto layer = make_layer<double>({"batch_norm", {}}, Shape{2});
  const double mean[] = {1.0, -2.0}, var[] = {4.0, 0.25}, gamma[] = {2.0, 1.0}, beta[] = {0.5, 0.0};
  for (int c = 0; c < 2; ++c) {
    buffer(*layer, "running_mean")[c] = mean[c];
    buffer(*layer, "running_var")[c] = var[c];
    param(*layer, "gamma")[c] = gamma[c];
    param(*layer, "beta")[c] = beta[c];
  }
  BasicTensor<double> x(Shape{3, 2});
  const double values[] = {3.0, -2.5, 1.0, 0.0, -1.0, -2.0};
  std::copy(values, values + 6, x.data());
  const auto& y = layer->forward(x, Mode::kEval);
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t c = 0; c < 2; ++c)
      EXPECT_NEAR(y.at(i, c),
                  gamma[c] * (x.at(i, c) - mean[c]) / std::sqrt(var[c] + kEps) + beta[c], 1e-12)
          << i << "," << c;
  // By hand: feature 0 of sample 0 is 2 * (3 - 1) / sqrt(4 + eps) + 0.5 ~ 2.5.
  EXPECT_NEAR(y.at(0, 0), 2.5, 1e-5);
  for (int c = 0; c < 2; ++c) {
    EXPECT_EQ(buffer(*layer, "running_mean")[c], mean[c]);
    EXPECT_EQ(buffer(*layer, "running_var")[c], var[c]);
  }
}

TEST(BatchNorm, TrainOutputHasZeroMeanAndUnitVariancePerFeature) {
  auto layer = make_layer<float>({"batch_norm", {}}, Shape{3});
  Rng rng(5);
  const std::size_t n = 64;
  Tensor x(Shape{n, 3});
  // Features on very different scales and offsets.
  for (std::size_t i = 0; i < n; ++i) {
    x.at(i, 0) = static_cast<float>(rng.normal());
    x.at(i, 1) = static_cast<float>(100 + 30 * rng.normal());
    x.at(i, 2) = static_cast<float>(-0.5 + 0.5 * rng.normal());
  }
  const auto& y = layer->forward(x, Mode::kTrain);
  for (std::size_t c = 0; c < 3; ++c) {
    double sum = 0, sq = 0;
    for (std::size_t i = 0; i < n; ++i) sum += y.at(i, c);
    const double mean = sum / n;
    for (std::size_t i = 0; i < n; ++i) sq += (y.at(i, c) - mean) * (y.at(i, c) - mean);
    EXPECT_NEAR(mean, 0.0, 1e-5) << "feature " << c;
    // var(y) = var / (var + eps): within 1e-4 of 1 for these variances (>= 0.2).
    EXPECT_NEAR(sq / n, 1.0, 1e-4) << "feature " << c;
  }
}

TEST(BatchNorm, OneTrainStepMovesRunningStatsTenPercentTowardTheBatch) {
  auto layer = make_layer<double>({"batch_norm", {}}, Shape{2});
  BasicTensor<double> x(Shape{4, 2});
  // Feature 0: 1, 2, 3, 6 (mean 3, unbiased var 14/3); feature 1: all 5 (var 0).
  const double values[] = {1, 5, 2, 5, 3, 5, 6, 5};
  std::copy(values, values + 8, x.data());
  layer->forward(x, Mode::kTrain);
  const auto& mean = buffer(*layer, "running_mean");
  const auto& var = buffer(*layer, "running_var");
  EXPECT_NEAR(mean[0], 0.9 * 0 + 0.1 * 3.0, 1e-12);
  EXPECT_NEAR(var[0], 0.9 * 1 + 0.1 * (14.0 / 3.0), 1e-12);
  EXPECT_NEAR(mean[1], 0.9 * 0 + 0.1 * 5.0, 1e-12);
  EXPECT_NEAR(var[1], 0.9 * 1 + 0.1 * 0.0, 1e-12);
}

TEST(BatchNorm, MomentumAttributeSetsTheRunningAverageWeight) {
  auto layer = make_layer<double>({"batch_norm", {{"momentum", 0.5}}}, Shape{1});
  BasicTensor<double> x(Shape{2, 1});
  x[0] = 1;
  x[1] = 3;  // mean 2, unbiased var 2
  layer->forward(x, Mode::kTrain);
  EXPECT_NEAR(buffer(*layer, "running_mean")[0], 0.5 * 0 + 0.5 * 2.0, 1e-12);
  EXPECT_NEAR(buffer(*layer, "running_var")[0], 0.5 * 1 + 0.5 * 2.0, 1e-12);
}

TEST(BatchNorm, ConstantBatchGivesFiniteOutputEqualToBeta) {
  auto layer = make_layer<float>({"batch_norm", {}}, Shape{2});
  param(*layer, "gamma")[0] = 3.0f;
  param(*layer, "beta")[0] = 0.25f;
  param(*layer, "beta")[1] = -1.5f;
  Tensor x(Shape{5, 2});
  for (std::size_t i = 0; i < 5; ++i) {
    x.at(i, 0) = 0.7f;
    x.at(i, 1) = -123.0f;
  }
  const auto& y = layer->forward(x, Mode::kTrain);
  for (std::size_t i = 0; i < 5; ++i) {
    ASSERT_TRUE(std::isfinite(y.at(i, 0)) && std::isfinite(y.at(i, 1)));
    EXPECT_NEAR(y.at(i, 0), 0.25f, 1e-5f);
    EXPECT_NEAR(y.at(i, 1), -1.5f, 1e-5f);
  }
  Tensor dy(y.shape());
  dy.fill(1.0f);
  const auto& dx = layer->backward(dy);
  for (std::size_t i = 0; i < dx.size(); ++i) EXPECT_TRUE(std::isfinite(dx[i])) << i;
}

TEST(BatchNorm, NchwNormalisesEachChannelOverBatchAndSpace) {
  // Sample shape (C=2, H=1, W=2), N=2. Channel 0 holds 1, 2, 3, 4 (mean 2.5,
  // biased var 1.25); channel 1 holds 10, 20, 30, 40 (mean 25, var 125).
  auto layer = make_layer<double>({"batch_norm", {}}, Shape{2, 1, 2});
  BasicTensor<double> x(Shape{2, 2, 1, 2});
  const double values[] = {1, 2, 10, 20, 3, 4, 30, 40};  // (n, c, h, w) order
  std::copy(values, values + 8, x.data());
  param(*layer, "beta")[1] = 1.0;
  const auto& y = layer->forward(x, Mode::kTrain);
  ASSERT_EQ(y.shape(), x.shape());
  const double s0 = std::sqrt(1.25 + kEps), s1 = std::sqrt(125 + kEps);
  const double expected[] = {
      (1 - 2.5) / s0, (2 - 2.5) / s0, (10 - 25) / s1 + 1, (20 - 25) / s1 + 1,
      (3 - 2.5) / s0, (4 - 2.5) / s0, (30 - 25) / s1 + 1, (40 - 25) / s1 + 1,
  };
  for (std::size_t i = 0; i < 8; ++i) EXPECT_NEAR(y[i], expected[i], 1e-12) << i;
  // Running stats are per channel: unbiased var uses n = N*H*W = 4 values.
  EXPECT_NEAR(buffer(*layer, "running_mean")[0], 0.25, 1e-12);
  EXPECT_NEAR(buffer(*layer, "running_mean")[1], 2.5, 1e-12);
  EXPECT_NEAR(buffer(*layer, "running_var")[0], 0.9 + 0.1 * (5.0 / 3.0), 1e-12);
  EXPECT_NEAR(buffer(*layer, "running_var")[1], 0.9 + 0.1 * (500.0 / 3.0), 1e-12);
}

TEST(BatchNorm, BatchOfOneIsFiniteAndGivesBeta) {
  auto layer = make_layer<float>({"batch_norm", {}}, Shape{3});
  param(*layer, "beta")[2] = 0.5f;
  Tensor x(Shape{1, 3});
  x[0] = 4.0f;
  x[1] = -1e6f;
  x[2] = 0.125f;
  const auto& y = layer->forward(x, Mode::kTrain);
  for (std::size_t c = 0; c < 3; ++c) {
    ASSERT_TRUE(std::isfinite(y[c])) << c;
    EXPECT_NEAR(y[c], c == 2 ? 0.5f : 0.0f, 1e-6f) << c;
  }
  // One value per feature says nothing about the variance: the running
  // statistics keep their initial values.
  for (const auto& b : layer->buffers())
    for (std::size_t c = 0; c < 3; ++c)
      EXPECT_EQ((*b.value)[c], b.name == "running_mean" ? 0.0f : 1.0f) << b.name;
  Tensor dy(y.shape());
  dy.fill(2.0f);
  const auto& dx = layer->backward(dy);
  for (std::size_t c = 0; c < 3; ++c) EXPECT_EQ(dx[c], 0.0f) << c;
}

TEST(BatchNorm, EvalModeGradientsMatchFiniteDifferences) {
  for (const Shape& sample : {Shape{4}, Shape{2, 3, 3}}) {
    auto layer = make_layer<double>({"batch_norm", {}}, sample);
    Rng rng(17);
    for (auto& p : layer->params()) testing::fill_away_from_zero(*p.value, rng);
    for (auto& v : buffer(*layer, "running_mean").span()) v = rng.uniform(-1, 1);
    for (auto& v : buffer(*layer, "running_var").span()) v = rng.uniform(0.5, 2);
    BasicTensor<double> x(sample.with_batch(3));
    testing::fill_away_from_zero(x, rng);
    for (const auto& m : testing::check_layer_gradients(*layer, x, rng, Mode::kEval))
      ADD_FAILURE() << sample.str() << " " << m.where << ": analytic " << m.analytic << " numeric "
                    << m.numeric;
  }
}

TEST(BatchNorm, FloatAgreesWithDouble) {
  auto f = make_layer<float>({"batch_norm", {}}, Shape{2, 2, 2});
  auto d = make_layer<double>({"batch_norm", {}}, Shape{2, 2, 2});
  Rng rng(3);
  Tensor xf(Shape{3, 2, 2, 2});
  BasicTensor<double> xd(xf.shape());
  for (std::size_t i = 0; i < xf.size(); ++i) xd[i] = xf[i] = static_cast<float>(rng.normal());
  const auto& yf = f->forward(xf, Mode::kTrain);
  const auto& yd = d->forward(xd, Mode::kTrain);
  for (std::size_t i = 0; i < yf.size(); ++i) EXPECT_NEAR(yf[i], yd[i], 1e-5) << i;
}

TEST(BatchNorm, RejectsBadShapesAndAttributes) {
  auto usage_error = [](const LayerSpec& spec, const Shape& input) {
    try {
      make_layer<float>(spec, input);
    } catch (const Error& e) {
      return e.kind() == ErrorKind::kUsage;
    }
    return false;
  };
  EXPECT_TRUE(usage_error({"batch_norm", {}}, Shape{3, 4}));
  EXPECT_TRUE(usage_error({"batch_norm", {}}, Shape{1, 2, 3, 4}));
  EXPECT_TRUE(usage_error({"batch_norm", {{"momentum", 1.5}}}, Shape{3}));
  EXPECT_TRUE(usage_error({"batch_norm", {{"momentum", -0.1}}}, Shape{3}));
  EXPECT_TRUE(usage_error({"batch_norm", {{"eps", 0}}}, Shape{3}));
}

}  // namespace
}  // namespace scratchnet
