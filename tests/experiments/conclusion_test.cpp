// The conclusion of a comparison (src/experiments/conclusion.cpp): the best
// variant per metric, the others tied with it or worse by the t-tests of
// stats.h, and the sentence and table the reports print.

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/experiments/conclusion.h"

namespace scratchnet {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();
using Standing = VariantVerdict::Standing;

const Metric kAccuracy{"test accuracy", true};
const Metric kLoss{"test loss", false};

// Three optimizers, three repeats: adam and rmsprop within each other's
// spread (SciPy's Welch p = 0.5656), sgd clearly lower.
const std::vector<VariantScores> kOptimizers = {{"sgd", {0.950, 0.952, 0.948}},
                                                {"rmsprop", {0.9697, 0.9629, 0.9765}},
                                                {"adam", {0.9727, 0.9681, 0.9773}}};

TEST(Conclusion, NamesTheBestTheTiedAndTheLower) {
  const MetricVerdict v = judge(kAccuracy, kOptimizers, ScoreDesign::repeats());
  EXPECT_EQ(v.best, 2u);
  EXPECT_EQ(v.variants[2].standing, Standing::kBest);
  EXPECT_EQ(v.variants[1].standing, Standing::kTied);
  EXPECT_EQ(v.variants[0].standing, Standing::kWorse);
  EXPECT_NEAR(v.variants[1].test.p, 0.5656094946324324, 1e-10);  // rmsprop against adam
  EXPECT_NEAR(v.variants[0].test.difference, 0.950 - 0.9727, 1e-12);
  const double sgd_p = welch_t_test(kOptimizers[0].scores, kOptimizers[2].scores).p;
  ASSERT_LT(sgd_p, 0.05);
  EXPECT_EQ(v.sentence, "adam and rmsprop are tied on test accuracy (0.003 apart, p = 0.57, 3 repeats); sgd is lower by "
                        "0.023 (" + format_p(sgd_p) + ").");
}

TEST(Conclusion, LowerIsBetterForALoss) {
  const MetricVerdict v = judge(kLoss, {{"a", {0.30, 0.31, 0.29}}, {"b", {0.50, 0.52, 0.51}}},
                                ScoreDesign::repeats());
  EXPECT_EQ(v.best, 0u);
  EXPECT_EQ(v.sentence.rfind("a has the lowest test loss (0.3, 3 repeats); b is higher by 0.21 (p ", 0), 0u)
      << v.sentence;
}

TEST(Conclusion, OneRunSaysThatNoSpreadIsKnown) {
  const MetricVerdict v = judge(kAccuracy, {{"sgd", {0.95}}, {"adam", {0.97}}, {"adagrad", {0.96}}},
                                ScoreDesign::repeats());
  EXPECT_EQ(v.variants[0].standing, Standing::kUnknown);
  EXPECT_TRUE(std::isnan(v.variants[0].test.p));
  EXPECT_EQ(v.sentence,
            "adam has the highest test accuracy (0.97); adagrad is lower by 0.01 and sgd by 0.02 (one run "
            "each: no spread is known, so no p-value).");
  EXPECT_EQ(v.sentence.find("p ="), std::string::npos);
  // The table says it once, in its caption.
  const ReportTable t = differences_table({v}, {"sgd", "adam", "adagrad"}, ScoreDesign::repeats());
  EXPECT_NE(t.caption.find("no spread is known"), std::string::npos);
  EXPECT_EQ(t.rows[0][1], "-0.0200");
}

TEST(Conclusion, DivergedRunsAreLeftOutAndNamed) {
  const MetricVerdict v =
      judge(kAccuracy, {{"std=1", {kNan, kNan}}, {"std=0.1", {0.8, kNan}}, {"std=0.01", {0.85, 0.86}}},
            ScoreDesign::repeats());
  EXPECT_EQ(v.best, 2u);
  EXPECT_EQ(v.variants[0].standing, Standing::kDiverged);
  EXPECT_EQ(v.variants[1].standing, Standing::kUnknown);
  EXPECT_EQ(v.variants[1].n, 1u);
  EXPECT_EQ(v.sentence,
            "std=0.01 has the highest test accuracy (0.855); std=0.1 is lower by 0.055 (fewer than two "
            "runs: no spread is known); std=1 diverged.");
  const MetricVerdict none = judge(kAccuracy, {{"a", {kNan}}, {"b", {}}}, ScoreDesign::repeats());
  EXPECT_EQ(none.best, MetricVerdict::kNone);
  EXPECT_EQ(none.sentence, "Every variant diverged: there is no test accuracy to compare.");
}

TEST(Conclusion, ManyVariantsAreCountedNotListed) {
  std::vector<VariantScores> grid = {{"best", {0.90, 0.91, 0.92}}};
  for (int i = 0; i < 5; ++i)
    grid.push_back({"low" + std::to_string(i), {0.50 - 0.01 * i, 0.51 - 0.01 * i, 0.52 - 0.01 * i}});
  const MetricVerdict v = judge(kAccuracy, grid, ScoreDesign::repeats());
  // Means 0.51 down to 0.47 against 0.91; the closest is named.
  EXPECT_EQ(v.sentence,
            "best has the highest test accuracy (0.91, 3 repeats); 5 others are lower by 0.4 (low0) to 0.44 "
            "(p < 0.001).");
  // Several tied: the widest gap and the smallest p-value.
  const std::vector<double> a = {0.90, 0.92, 0.94}, b = {0.89, 0.91, 0.93}, c = {0.86, 0.90, 0.94};
  const MetricVerdict tied = judge(kAccuracy, {{"a", a}, {"b", b}, {"c", c}}, ScoreDesign::repeats());
  const double smallest_p = std::min(welch_t_test(b, a).p, welch_t_test(c, a).p);
  EXPECT_EQ(tied.sentence, "a, b and c are tied on test accuracy (up to 0.02 apart, p ≥ " +
                               format_p(smallest_p).substr(4) + ", 3 repeats).");
  // Everyone tied, too many to list.
  const MetricVerdict all = judge(
      kAccuracy, {{"a", a}, {"b", b}, {"c", c}, {"d", {0.90, 0.91, 0.92}}, {"e", {0.88, 0.92, 0.93}}},
      ScoreDesign::repeats());
  EXPECT_EQ(all.sentence.rfind("All 5 variants are tied on test accuracy (a highest at 0.92; up to 0.02 apart, p ≥ ", 0),
            0u)
      << all.sentence;
}

TEST(Conclusion, FoldScoresUseTheCorrectedResampledTest) {
  const std::vector<VariantScores> folds = {{"a", {0.81, 0.84, 0.79, 0.83, 0.80}},
                                            {"b", {0.78, 0.80, 0.79, 0.79, 0.77}}};
  const MetricVerdict v = judge(kAccuracy, folds, ScoreDesign::folds(400, 100));
  // numpy/SciPy (see stats_test.cpp): p = 0.06397, so tied at alpha 0.05 although
  // Welch's test over independent runs would call b lower.
  EXPECT_NEAR(v.variants[1].test.p, 0.06396653057897166, 1e-10);
  EXPECT_EQ(v.variants[1].standing, Standing::kTied);
  EXPECT_LT(welch_t_test(folds[1].scores, folds[0].scores).p, 0.05);
  EXPECT_EQ(v.sentence, "a and b are tied on test accuracy (0.028 apart, p = 0.064, 5 folds).");
}

TEST(Conclusion, TableOfDifferences) {
  const std::vector<std::string> labels = {"sgd", "rmsprop", "adam"};
  const MetricVerdict accuracy = judge(kAccuracy, kOptimizers, ScoreDesign::repeats());
  const ReportTable t = differences_table({accuracy}, labels, ScoreDesign::repeats());
  EXPECT_EQ(t.header, (std::vector<std::string>{"variant", "test accuracy"}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[2][1], "best (0.9727)");
  EXPECT_EQ(t.rows[1][1], "-0.0030, p = 0.57 (tied)");
  EXPECT_EQ(t.rows[0][1].rfind("-0.0227, p ", 0), 0u) << t.rows[0][1];
  EXPECT_NE(t.caption.find("Welch"), std::string::npos);
  EXPECT_THROW(differences_table({accuracy}, {"a"}, ScoreDesign::repeats()), Error);
  EXPECT_THROW(judge(kAccuracy, {}, ScoreDesign::repeats()), Error);
}

TEST(Conclusion, PValuesReadAsTheySay) {
  EXPECT_EQ(format_p(0.5656), "p = 0.57");
  EXPECT_EQ(format_p(0.04), "p = 0.040");
  EXPECT_EQ(format_p(0.0502), "p = 0.050");
  EXPECT_EQ(format_p(0.00487), "p = 0.0049");
  EXPECT_EQ(format_p(0.0004), "p < 0.001");
  EXPECT_EQ(format_p(1.0), "p = 1");
  EXPECT_EQ(format_p(kNan), "no p-value");
}

}  // namespace
}  // namespace scratchnet
