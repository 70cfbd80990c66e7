// Losses: finite-difference gradients in double precision for every
// registered loss, known values, and numerical stability on huge logits.

#include <cmath>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/losses/class_weights.h"
#include "scratchnet/losses/mse.h"
#include "scratchnet/losses/softmax_cross_entropy.h"
#include "support/gradient_check.h"

namespace scratchnet {
namespace {

// Builds a loss of each registered type with matching targets for (n, k) outputs.
struct LossCase {
  std::unique_ptr<Loss<double>> loss;
  std::vector<std::int32_t> labels;
  BasicTensor<double> values;
  Targets<double> targets() const { return {labels, values.size() ? &values : nullptr}; }
};

LossCase make_case(const std::string& type, std::size_t n, std::size_t k, Rng& rng) {
  LossCase c{make_loss<double>(type), {}, {}};
  if (type == "mse") {
    c.values.resize(Shape{n, k});
    for (auto& v : c.values.span()) v = rng.uniform(-1, 1);
  } else {
    for (std::size_t i = 0; i < n; ++i) c.labels.push_back(static_cast<std::int32_t>(rng.below(k)));
  }
  return c;
}

// backward() of `loss` at outputs `z` against central differences of forward().
void expect_gradient_matches(Loss<double>& loss, BasicTensor<double>& z,
                             const Targets<double>& targets, const std::string& what) {
  loss.forward(z, targets);
  const BasicTensor<double> grad = loss.backward();
  for (std::size_t i = 0; i < z.size(); ++i) {
    const double saved = z[i];
    z[i] = saved + testing::kStep;
    const double up = loss.forward(z, targets);
    z[i] = saved - testing::kStep;
    const double down = loss.forward(z, targets);
    z[i] = saved;
    const double numeric = (up - down) / (2 * testing::kStep);
    EXPECT_TRUE(testing::close(grad[i], numeric))
        << what << " z[" << i << "]: analytic " << grad[i] << " numeric " << numeric;
  }
}

TEST(Losses, GradientsMatchFiniteDifferencesForEveryRegisteredLoss) {
  for (const auto& type : registered_loss_types()) {
    Rng rng(3);
    LossCase c = make_case(type, 4, 3, rng);
    BasicTensor<double> z(Shape{4, 3});
    for (auto& v : z.span()) v = rng.uniform(-2, 2);
    expect_gradient_matches(*c.loss, z, c.targets(), type);
  }
}

TEST(SoftmaxCrossEntropy, MatchesHandComputedValue) {
  SoftmaxCrossEntropy<double> loss;
  BasicTensor<double> z(Shape{1, 3});
  z[0] = 1;
  z[1] = 2;
  z[2] = 3;
  const std::vector<std::int32_t> label = {2};
  const double expected = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
  EXPECT_NEAR(loss.forward(z, {label, nullptr}), expected, 1e-12);
}

TEST(SoftmaxCrossEntropy, HugeLogitsGiveFiniteLossAndGradient) {
  SoftmaxCrossEntropy<float> loss;
  Tensor z(Shape{2, 3});
  const float big[] = {1e30f, -1e30f, 5e29f, 3e38f, 0.0f, -3e38f};
  std::copy(big, big + 6, z.data());
  const std::vector<std::int32_t> labels = {0, 1};
  const float l = loss.forward(z, {labels, nullptr});
  EXPECT_TRUE(std::isfinite(l));
  // Row 0 is predicted with certainty (loss 0); row 1 is wrong by 3e38.
  const Tensor& g = loss.backward();
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_TRUE(std::isfinite(g[i])) << i;
  EXPECT_FLOAT_EQ(g[0], 0.0f);
  EXPECT_FLOAT_EQ(g[3], 0.5f);   // p = 1 for class 0, divided by N = 2
  EXPECT_FLOAT_EQ(g[4], -0.5f);  // p = 0 minus the one-hot, over N
}

TEST(SoftmaxCrossEntropy, WeightedGradientMatchesFiniteDifferences) {
  Rng rng(8);
  SoftmaxCrossEntropy<double> loss;
  loss.set_class_weights({0.3, 2.0, 1.0, 5.0});
  BasicTensor<double> z(Shape{6, 4});
  for (auto& v : z.span()) v = rng.uniform(-2, 2);
  const std::vector<std::int32_t> labels = {0, 3, 1, 1, 2, 3};
  expect_gradient_matches(loss, z, {labels, nullptr}, "weighted");
}

TEST(SoftmaxCrossEntropy, WeightedValueIsTheWeightedMean) {
  BasicTensor<double> z(Shape{3, 3});
  const double logits[] = {1, 2, 3, 0.5, -1, 2, 3, 0, -2};
  std::copy(logits, logits + 9, z.data());
  const std::vector<std::int32_t> labels = {2, 0, 1};
  const std::vector<double> w = {2, 0.5, 3};
  // By hand: l_i = log(sum exp z_i) - z_i[y_i], loss = sum w[y_i] l_i / sum w[y_i].
  double total = 0, weights = 0;
  for (std::size_t r = 0; r < 3; ++r) {
    const double* row = logits + 3 * r;
    const double l = std::log(std::exp(row[0]) + std::exp(row[1]) + std::exp(row[2])) - row[labels[r]];
    total += w[labels[r]] * l;
    weights += w[labels[r]];
  }
  SoftmaxCrossEntropy<double> loss;
  set_class_weights(loss, w);
  const double value = loss.forward(z, {labels, nullptr});
  EXPECT_NEAR(value, total / weights, 1e-12);
  // PyTorch 1.13: cross_entropy(z, y, weight=w) in float64 on the same numbers.
  EXPECT_NEAR(value, 1.1332605644247324, 1e-12);
  const BasicTensor<double>& g = loss.backward();
  EXPECT_NEAR(g[0], 0.04910758536566205, 1e-12);
  EXPECT_NEAR(g[3], -0.2998944028581685, 1e-12);
  EXPECT_NEAR(g[7], -0.08662514395230327, 1e-12);

  // Weights of 1 give the plain mean.
  SoftmaxCrossEntropy<double> plain, ones;
  ones.set_class_weights({1, 1, 1});
  EXPECT_NEAR(ones.forward(z, {labels, nullptr}), plain.forward(z, {labels, nullptr}), 1e-15);
}

TEST(ClassWeights, BalancedAndNamedWeights) {
  const std::vector<std::string> classes = {"a", "b", "c"};
  const std::vector<std::size_t> counts = {60, 30, 10};
  // n / (k * count): 100 / (3 * 60), 100 / (3 * 30), 100 / (3 * 10).
  const std::vector<double> balanced = parse_class_weights("balanced", classes, counts);
  ASSERT_EQ(balanced.size(), 3u);
  EXPECT_DOUBLE_EQ(balanced[0], 100.0 / 180);
  EXPECT_DOUBLE_EQ(balanced[1], 100.0 / 90);
  EXPECT_DOUBLE_EQ(balanced[2], 100.0 / 30);
  EXPECT_EQ(balanced_class_weights(std::vector<std::size_t>{4, 0}), (std::vector<double>{0.5, 1.0}));
  EXPECT_EQ(parse_class_weights("c=5, a = 0.5", classes, counts), (std::vector<double>{0.5, 1, 5}));
  EXPECT_EQ(parse_class_weights("x=y=2", {"x=y", "z"}, counts), (std::vector<double>{2, 1}));

  const auto usage_error = [&](const std::string& text) -> std::string {
    try {
      parse_class_weights(text, classes, counts);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      return e.what();
    }
    ADD_FAILURE() << "no error for " << text;
    return {};
  };
  EXPECT_NE(usage_error("d=2").find("no class 'd'; the classes are a, b, c"), std::string::npos);
  EXPECT_NE(usage_error("a=2,a=3").find("class 'a' is given twice"), std::string::npos);
  for (const std::string bad : {"a=0", "a=-1", "a=inf", "a=x", "a="})
    EXPECT_NE(usage_error(bad).find("must be a finite number > 0"), std::string::npos) << bad;
  EXPECT_NE(usage_error("a").find("'a' is not NAME=WEIGHT"), std::string::npos);
  EXPECT_NE(usage_error("").find("expected 'balanced'"), std::string::npos);

  MeanSquaredError<float> mse;
  EXPECT_THROW(set_class_weights(mse, balanced), Error);
}

TEST(MeanSquaredError, MatchesHandComputedValue) {
  MeanSquaredError<double> loss;
  BasicTensor<double> y(Shape{2, 1}), t(Shape{2, 1});
  y[0] = 1;
  y[1] = 3;
  t[0] = 0;
  t[1] = 1;
  EXPECT_DOUBLE_EQ(loss.forward(y, {{}, &t}), (1.0 + 4.0) / 2);
  EXPECT_DOUBLE_EQ(loss.backward()[1], 2.0 * 2 / 2);
}

}  // namespace
}  // namespace scratchnet
