// Losses: finite-difference gradients in double precision for every
// registered loss, known values, and numerical stability on huge logits.

#include <cmath>

#include <gtest/gtest.h>

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

TEST(Losses, GradientsMatchFiniteDifferencesForEveryRegisteredLoss) {
  for (const auto& type : registered_loss_types()) {
    Rng rng(3);
    LossCase c = make_case(type, 4, 3, rng);
    BasicTensor<double> z(Shape{4, 3});
    for (auto& v : z.span()) v = rng.uniform(-2, 2);
    c.loss->forward(z, c.targets());
    const BasicTensor<double> grad = c.loss->backward();
    for (std::size_t i = 0; i < z.size(); ++i) {
      const double saved = z[i];
      z[i] = saved + testing::kStep;
      const double up = c.loss->forward(z, c.targets());
      z[i] = saved - testing::kStep;
      const double down = c.loss->forward(z, c.targets());
      z[i] = saved;
      const double numeric = (up - down) / (2 * testing::kStep);
      EXPECT_TRUE(testing::close(grad[i], numeric))
          << type << " z[" << i << "]: analytic " << grad[i] << " numeric " << numeric;
    }
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
