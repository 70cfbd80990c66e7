// A batch taken in shares of rows (batch-parallel steps): each share's rows
// of the gradient must be the whole batch's, bit for bit, and the shares'
// summed losses over the batch's normaliser its mean loss.

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "scratchnet/core/rng.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/losses/mse.h"
#include "scratchnet/losses/softmax_cross_entropy.h"

namespace scratchnet {
namespace {

Tensor random_rows(std::size_t n, std::size_t k, Rng& rng) {
  Tensor t(Shape{n, k});
  for (float& v : t.span()) v = static_cast<float>(3 * rng.normal());
  return t;
}

// Cuts (outputs, targets) at `cut`, runs each part through a clone of
// `loss` with the whole batch's normaliser and compares with `loss` on the whole.
void expect_shares_match_the_whole(Loss<float>& loss, const Tensor& outputs, const Targets<float>& targets,
                                   std::size_t cut) {
  const std::size_t n = outputs.rows(), k = outputs.cols();
  const float whole_loss = loss.forward(outputs, targets);
  const Tensor whole_grad = loss.backward();
  const double d = loss.normaliser(outputs.shape(), targets);
  double sum = 0;
  for (const auto& [r0, r1] : {std::pair<std::size_t, std::size_t>{0, cut}, {cut, n}}) {
    Tensor rows, target_rows;
    rows.view_of_rows(outputs, r0, r1, Shape{k});
    Targets<float> part{targets.labels.empty() ? targets.labels : targets.labels.subspan(r0, r1 - r0), nullptr};
    if (targets.values) {
      target_rows.view_of_rows(*targets.values, r0, r1, Shape{k});
      part.values = &target_rows;
    }
    const std::unique_ptr<Loss<float>> share = loss.clone();
    EXPECT_EQ(share->type(), loss.type());
    sum += share->forward_sum(rows, part, d);
    const Tensor& grad = share->backward();
    ASSERT_EQ(grad.size(), (r1 - r0) * k);
    for (std::size_t i = 0; i < grad.size(); ++i)
      ASSERT_EQ(grad[i], whole_grad[r0 * k + i]) << loss.type() << " row " << r0 + i / k;
  }
  EXPECT_NEAR(sum / d, whole_loss, 1e-6 * (1 + std::abs(whole_loss)));
}

TEST(LossShares, SoftmaxCrossEntropyRowsAreTheWholeBatchsPlainWeightedAndSmoothed) {
  Rng rng(3);
  const Tensor logits = random_rows(13, 4, rng);
  std::vector<std::int32_t> labels(13);
  for (auto& l : labels) l = static_cast<std::int32_t>(rng.below(4));
  const Targets<float> targets{labels, nullptr};
  SoftmaxCrossEntropy<float> plain;
  expect_shares_match_the_whole(plain, logits, targets, 6);
  SoftmaxCrossEntropy<float> weighted;
  weighted.set_class_weights({0.5f, 2.0f, 1.0f, 3.0f});
  expect_shares_match_the_whole(weighted, logits, targets, 6);
  // The clone keeps the weights: its normaliser is the weights' sum, not 13.
  EXPECT_NE(weighted.clone()->normaliser(logits.shape(), targets), 13.0);
  SoftmaxCrossEntropy<float> smoothed;
  smoothed.set_class_weights({0.5f, 2.0f, 1.0f, 3.0f});
  smoothed.set_label_smoothing(0.2);
  expect_shares_match_the_whole(smoothed, logits, targets, 9);
  auto copy = smoothed.clone();
  EXPECT_EQ(dynamic_cast<SoftmaxCrossEntropy<float>&>(*copy).label_smoothing(), 0.2);
}

TEST(LossShares, MeanSquaredErrorRowsAreTheWholeBatchs) {
  Rng rng(4);
  const Tensor outputs = random_rows(11, 3, rng);
  const Tensor values = random_rows(11, 3, rng);
  MeanSquaredError<float> mse;
  EXPECT_EQ(mse.normaliser(outputs.shape(), {{}, &values}), 33.0);
  expect_shares_match_the_whole(mse, outputs, {{}, &values}, 5);
}

}  // namespace
}  // namespace scratchnet
