// The classification report: confusion matrix, per-class scores, and the
// class-balanced summaries checked against scikit-learn's definitions.

#include "scratchnet/train/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "../support/random_data.h"
#include "scratchnet/core/rng.h"

namespace scratchnet {
namespace {

TEST(EvalBatchRows, BigPerSampleOutputsGetFewerRowsAndPredictionsDoNotDependOnThem) {
  // 784-256-10: about 3 KB of layer outputs per sample: the 1024 cap.
  const Network<float> mlp({Shape{784}, {{"dense", {{"units", 256}}}, {"relu", {}}, {"dense", {{"units", 10}}}}});
  EXPECT_EQ(eval_batch_rows(mlp), 1024u);
  // A convolution over 28 x 28 with 8 filters: 3 x 6,272 floats per sample (75 KB).
  Network<float> conv({Shape{1, 28, 28},
                       {{"conv2d", {{"filters", 8}, {"kernel", 3}, {"padding", 1}}},
                        {"relu", {}},
                        {"flatten", {}},
                        {"dense", {{"units", 3}}}}});
  const std::size_t rows = eval_batch_rows(conv);
  EXPECT_LT(rows, 1024u);
  EXPECT_GT(rows, 64u);
  std::size_t per_sample = 0;
  for (std::size_t i = 0; i < conv.size(); ++i) per_sample += conv.layer(i).output_shape().elements();
  EXPECT_LE(rows * per_sample * sizeof(float), kEvalOutputBytes);
  // More samples than one batch: the rows computed in batches equal one forward of all.
  Rng rng(5);
  conv.initialize(InitScheme(InitScheme::Kind::kHeNormal), rng);
  Dataset data = testing::random_three_classes(rows + 37, 784, 4);
  data.sample_shape = Shape{1, 28, 28};
  const Tensor batched = predict_outputs(conv, data, false);
  Tensor all(Shape{data.size(), 1, 28, 28});
  std::copy(data.features.begin(), data.features.end(), all.data());
  const Tensor& whole = conv.forward(all, Mode::kEval);
  ASSERT_EQ(batched.size(), whole.size());
  for (std::size_t i = 0; i < whole.size(); ++i) ASSERT_EQ(batched[i], whole[i]) << i;
}

TEST(ClassificationReport, F1BalancedAccuracyAndMacroF1MatchScikitLearn) {
  // Class 3 is predicted but never true; class 4 is neither.
  const std::vector<std::int32_t> truth = {0, 0, 0, 0, 1, 1, 2, 2, 2, 0};
  const std::vector<std::int32_t> predicted = {0, 0, 1, 2, 1, 1, 2, 0, 3, 0};
  const ClassificationReport r =
      classification_report(truth, predicted, {"a", "b", "c", "d", "e"});
  EXPECT_EQ(r.confusion[0], (std::vector<std::size_t>{3, 1, 1, 0, 0}));
  EXPECT_DOUBLE_EQ(r.accuracy, 0.6);
  // Per class: 2 TP / (2 TP + FP + FN).
  EXPECT_DOUBLE_EQ(r.f1[0], 2.0 * 3 / (6 + 1 + 2));
  EXPECT_DOUBLE_EQ(r.f1[1], 2.0 * 2 / (4 + 1 + 0));
  EXPECT_DOUBLE_EQ(r.f1[2], 2.0 * 1 / (2 + 1 + 2));
  EXPECT_EQ(r.f1[3], 0.0);
  EXPECT_TRUE(std::isnan(r.f1[4]));
  EXPECT_TRUE(std::isnan(r.recall[3]));
  // scikit-learn 1.2: balanced_accuracy_score(t, p) and
  // f1_score(t, p, average="macro", zero_division=0) on the same labels.
  EXPECT_NEAR(r.balanced_accuracy, 0.6444444444444445, 1e-15);
  EXPECT_NEAR(r.macro_f1, 0.4666666666666667, 1e-15);
}

TEST(ClassificationReport, PerfectAndEmpty) {
  const std::vector<std::int32_t> labels = {1, 0, 1};
  const ClassificationReport perfect = classification_report(labels, labels, {"x", "y"});
  EXPECT_EQ(perfect.balanced_accuracy, 1.0);
  EXPECT_EQ(perfect.macro_f1, 1.0);
  EXPECT_EQ(perfect.f1, (std::vector<double>{1.0, 1.0}));
  const ClassificationReport empty = classification_report({}, {}, {"x", "y"});
  EXPECT_TRUE(std::isnan(empty.balanced_accuracy));
  EXPECT_TRUE(std::isnan(empty.macro_f1));
}

}  // namespace
}  // namespace scratchnet
