// The classification report: confusion matrix, per-class scores, and the
// class-balanced summaries checked against scikit-learn's definitions.

#include "scratchnet/train/evaluation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace scratchnet {
namespace {

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
