// Losses: finite-difference gradients in double precision for every
// registered loss, known values, numerical stability on huge logits, class
// weights and label smoothing.

#include <array>
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

// Three rows of three classes with class weights, the weighted tests' example.
struct WeightedExample {
  BasicTensor<double> z{Shape{3, 3}};
  std::vector<std::int32_t> labels = {2, 0, 1};
  std::vector<double> w = {2, 0.5, 3};
  WeightedExample() {
    const double logits[] = {1, 2, 3, 0.5, -1, 2, 3, 0, -2};
    std::copy(logits, logits + 9, z.data());
  }
  // By hand, as PyTorch defines it: with -log p_ic = log(sum exp z_i) - z_ic,
  // l_i = (1 - eps) w[y_i] (-log p_iy) + eps / K sum_c w[c] (-log p_ic) and
  // loss = sum_i l_i / sum_i w[y_i] (eps = 0: the weighted mean of -log p_iy).
  double loss_by_hand(double eps) const {
    double total = 0, weights = 0;
    for (std::size_t r = 0; r < 3; ++r) {
      const double* row = z.data() + 3 * r;
      const double log_sum = std::log(std::exp(row[0]) + std::exp(row[1]) + std::exp(row[2]));
      double spread = 0;
      for (std::size_t c = 0; c < 3; ++c) spread += w[c] * (log_sum - row[c]);
      total += (1 - eps) * w[labels[r]] * (log_sum - row[labels[r]]) + eps / 3 * spread;
      weights += w[labels[r]];
    }
    return total / weights;
  }
  // The loss with these weights and smoothing eps against the hand value,
  // PyTorch's value and its gradient at z[0], z[3], z[7], and finite differences.
  void expect_matches(double eps, double torch_value, const std::array<double, 3>& torch_grad) {
    SoftmaxCrossEntropy<double> loss;
    set_class_weights(loss, w);
    loss.set_label_smoothing(eps);
    const double value = loss.forward(z, {labels, nullptr});
    EXPECT_NEAR(value, loss_by_hand(eps), 1e-12) << eps;
    EXPECT_NEAR(value, torch_value, 1e-12) << eps;
    const BasicTensor<double>& g = loss.backward();
    const std::array<std::size_t, 3> at = {0, 3, 7};
    for (std::size_t i = 0; i < 3; ++i) EXPECT_NEAR(g[at[i]], torch_grad[i], 1e-12) << eps << " z[" << at[i] << "]";
    expect_gradient_matches(loss, z, {labels, nullptr}, "weighted");
  }
};

TEST(SoftmaxCrossEntropy, WeightedValueIsTheWeightedMean) {
  WeightedExample e;
  // PyTorch 1.13: cross_entropy(z, y, weight=w) in float64 on the same numbers.
  e.expect_matches(0, 1.1332605644247324, {0.04910758536566205, -0.2998944028581685, -0.08662514395230327});
  const BasicTensor<double>& z = e.z;
  const std::vector<std::int32_t>& labels = e.labels;

  // Weights of 1 give the plain mean.
  SoftmaxCrossEntropy<double> plain, ones;
  ones.set_class_weights({1, 1, 1});
  EXPECT_NEAR(ones.forward(z, {labels, nullptr}), plain.forward(z, {labels, nullptr}), 1e-15);
}

// Label smoothing: the loss and gradient of the smoothed targets
// q = (1 - eps) onehot + eps / K, written out directly: -sum_c q_c log p_c
// and (p - q) / N, with p = exp(z) / sum exp(z).
TEST(LabelSmoothing, ValueAndGradientMatchTheSmoothedTargetsByHand) {
  Rng rng(5);
  const std::size_t n = 5, k = 4;
  BasicTensor<double> z(Shape{n, k});
  for (auto& v : z.span()) v = rng.uniform(-3, 3);
  const std::vector<std::int32_t> labels = {0, 3, 1, 3, 2};
  for (const double eps : {0.1, 0.35}) {
    double expected = 0;
    std::vector<double> grad(n * k);
    for (std::size_t r = 0; r < n; ++r) {
      double sum = 0;
      for (std::size_t c = 0; c < k; ++c) sum += std::exp(z[r * k + c]);
      for (std::size_t c = 0; c < k; ++c) {
        const double p = std::exp(z[r * k + c]) / sum;
        const double q = (1 - eps) * (static_cast<std::int32_t>(c) == labels[r]) + eps / k;
        expected -= q * std::log(p) / n;
        grad[r * k + c] = (p - q) / n;
      }
    }
    SoftmaxCrossEntropy<double> loss;
    loss.set_label_smoothing(eps);
    EXPECT_NEAR(loss.forward(z, {labels, nullptr}), expected, 1e-12) << eps;
    const BasicTensor<double>& g = loss.backward();
    for (std::size_t i = 0; i < n * k; ++i) EXPECT_NEAR(g[i], grad[i], 1e-14) << eps << " z[" << i << "]";
    expect_gradient_matches(loss, z, {labels, nullptr}, "smoothed");
  }
}

TEST(LabelSmoothing, WithClassWeightsAsPyTorchWeighsTheSmoothingTerm) {
  WeightedExample e;
  // PyTorch 1.13: cross_entropy(z, y, weight=w, label_smoothing=0.2) in float64 on the same numbers.
  e.expect_matches(0.2, 1.262626193729274, {0.0210456822614641, -0.25247192038628996, -0.0722191601208044});
}

TEST(LabelSmoothing, ZeroIsThePlainLossAndOutOfRangeIsAUsageError) {
  Rng rng(6);
  BasicTensor<double> z(Shape{4, 3});
  for (auto& v : z.span()) v = rng.uniform(-2, 2);
  const std::vector<std::int32_t> labels = {1, 0, 2, 2};
  SoftmaxCrossEntropy<double> plain, zero;
  zero.set_label_smoothing(0.0);
  EXPECT_EQ(zero.forward(z, {labels, nullptr}), plain.forward(z, {labels, nullptr}));
  const BasicTensor<double> g = plain.backward();
  for (std::size_t i = 0; i < g.size(); ++i) EXPECT_EQ(zero.backward()[i], g[i]) << i;
  for (const double bad : {-0.1, 1.0, 1.5, std::nan("")}) {
    try {
      zero.set_label_smoothing(bad);
      ADD_FAILURE() << "no error for " << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("[0, 1)"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(zero.label_smoothing(), 0.0);
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
