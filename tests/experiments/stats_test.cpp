// Significance tests (src/experiments/stats.cpp) against values computed
// independently: closed forms by hand, and SciPy 1.10.1 (Debian 12), run once
// with /usr/bin/python3:
//   scipy.special.betainc(a, b, x)
//   scipy.stats.t.cdf(t, df)
//   scipy.stats.ttest_ind(a, b, equal_var=False)       -> statistic, pvalue
//   numpy Welch-Satterthwaite (va+vb)^2/(va^2/(na-1)+vb^2/(nb-1)), va = var(a, ddof=1)/na
//   Nadeau-Bengio in numpy: d = a - b, t = d.mean() / sqrt((1/J + n_test/n_train)
//     * var(d, ddof=1)), p = 2 * scipy.stats.t.sf(|t|, J - 1)

#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/experiments/stats.h"

namespace scratchnet {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

TEST(Stats, IncompleteBetaClosedForms) {
  // I_x(1,1) = x, I_x(a,1) = x^a, I_x(1,b) = 1 - (1-x)^b, I_x(1/2,1/2) = 2/pi asin(sqrt x).
  for (double x : {0.0, 0.1, 0.5, 0.77, 1.0}) {
    EXPECT_NEAR(regularized_incomplete_beta(1, 1, x), x, 1e-14) << x;
    EXPECT_NEAR(regularized_incomplete_beta(3.5, 1, x), std::pow(x, 3.5), 1e-14) << x;
    EXPECT_NEAR(regularized_incomplete_beta(1, 4, x), 1 - std::pow(1 - x, 4), 1e-14) << x;
    EXPECT_NEAR(regularized_incomplete_beta(0.5, 0.5, x), 2 / std::numbers::pi * std::asin(std::sqrt(x)),
                1e-13)
        << x;
  }
  EXPECT_TRUE(std::isnan(regularized_incomplete_beta(1, 1, 1.5)));
  EXPECT_TRUE(std::isnan(regularized_incomplete_beta(0, 1, 0.5)));
}

TEST(Stats, IncompleteBetaMatchesScipy) {
  struct Case {
    double a, b, x, expected;
  };
  for (const Case& c : {Case{0.5, 0.5, 0.3, 0.3690101195655454}, Case{2, 3, 0.4, 0.5247999999999999},
                        Case{10, 0.5, 0.9, 0.15164090963470997}, Case{50, 0.5, 0.99, 0.31730439787419623},
                        Case{1.5, 7.25, 0.05, 0.14303295721639328},
                        Case{200, 0.5, 0.5, 3.500102489320291e-62}})
    EXPECT_NEAR(regularized_incomplete_beta(c.a, c.b, c.x), c.expected, 1e-12 * c.expected + 1e-300)
        << c.a << " " << c.b << " " << c.x;
}

TEST(Stats, StudentTCdf) {
  // One degree of freedom is the Cauchy distribution, two have a closed form.
  for (double t : {-30.0, -2.0, -0.5, 0.0, 0.3, 1.0, 7.0}) {
    EXPECT_NEAR(student_t_cdf(t, 1), 0.5 + std::atan(t) / std::numbers::pi, 1e-13) << t;
    EXPECT_NEAR(student_t_cdf(t, 2), 0.5 + t / (2 * std::sqrt(2 + t * t)), 1e-13) << t;
  }
  // SciPy, including fractional degrees of freedom (Welch's test has them).
  struct Case {
    double t, dof, expected;
  };
  for (const Case& c : {Case{-2.5, 4.3, 0.03122403731810567}, Case{2.2, 10, 0.9737794657753235},
                        Case{12.0, 2, 0.9965635331614208}, Case{-0.3, 1000, 0.3821197520836221},
                        Case{5.0, 7.7, 0.9994099538731077}})
    EXPECT_NEAR(student_t_cdf(c.t, c.dof), c.expected, 1e-12) << c.t << " " << c.dof;
  EXPECT_EQ(student_t_cdf(kInf, 3), 1);
  EXPECT_EQ(student_t_cdf(-kInf, 3), 0);
  EXPECT_EQ(student_t_two_sided_p(0, 5), 1);
  EXPECT_NEAR(student_t_two_sided_p(-2.5, 4.3), 2 * 0.03122403731810567, 1e-12);
  EXPECT_TRUE(std::isnan(student_t_cdf(1, 0)));
}

TEST(Stats, WelchByHand) {
  // a = {1, 3}: mean 2, variance 2; b = {2, 4, 6}: mean 4, variance 4.
  // t = -2 / sqrt(2/2 + 4/3); dof = (7/3)^2 / (1^2/1 + (4/3)^2/2) = 49/17.
  const TTest r = welch_t_test({1, 3}, {2, 4, 6});
  EXPECT_DOUBLE_EQ(r.difference, -2);
  EXPECT_NEAR(r.t, -2 / std::sqrt(7.0 / 3), 1e-14);
  EXPECT_NEAR(r.dof, 49.0 / 17, 1e-13);
  EXPECT_NEAR(r.p, 2 * student_t_cdf(r.t, 49.0 / 17), 1e-14);
  EXPECT_EQ(r.n_a, 2u);
  EXPECT_EQ(r.n_b, 3u);
}

TEST(Stats, WelchMatchesScipy) {
  struct Case {
    std::vector<double> a, b;
    double t, p, dof;
  };
  const std::vector<Case> cases = {
      {{0.9727, 0.9681, 0.9773}, {0.9697, 0.9629, 0.9765}, 0.6329245387959672, 0.5656094946324324,
       3.513507493300537},
      {{0.91, 0.92, 0.93, 0.94, 0.95}, {0.88, 0.90, 0.89}, 4.3817804600413375, 0.004882634939494152,
       5.882352941176465},
      {{1.2, 1.3}, {0.5, 0.55}, 12.969194269498768, 0.01709989698344779, 1.4705882352941175},
      {{0.5, 0.6, 0.55, 0.58}, {0.52, 0.61, 0.57, 0.54}, -0.08543576577167433, 0.9347240577356881,
       5.9350354277683435}};
  for (const Case& c : cases) {
    const TTest r = welch_t_test(c.a, c.b);
    EXPECT_NEAR(r.t, c.t, 1e-10 * std::fabs(c.t));
    EXPECT_NEAR(r.p, c.p, 1e-10 * c.p);
    EXPECT_NEAR(r.dof, c.dof, 1e-10 * c.dof);
  }
}

TEST(Stats, WelchLeavesOutDivergedRunsAndNeedsTwoPerSide) {
  const TTest with_nan = welch_t_test({1, kNan, 3}, {2, 4, 6, kInf});
  const TTest without = welch_t_test({1, 3}, {2, 4, 6});
  EXPECT_EQ(with_nan.t, without.t);
  EXPECT_EQ(with_nan.n_a, 2u);
  EXPECT_EQ(with_nan.n_b, 3u);
  const TTest one = welch_t_test({0.9}, {0.8, 0.85});
  EXPECT_TRUE(std::isnan(one.p));
  EXPECT_NEAR(one.difference, 0.075, 1e-15);
  EXPECT_EQ(one.n_a, 1u);
}

TEST(Stats, NoSpreadIsJudgedByTheDifferenceAlone) {
  const TTest same = welch_t_test({0.5, 0.5}, {0.5, 0.5, 0.5});
  EXPECT_EQ(same.p, 1);
  const TTest apart = welch_t_test({0.7, 0.7}, {0.5, 0.5});
  EXPECT_EQ(apart.p, 0);
  EXPECT_EQ(apart.t, kInf);
  // One side without spread: the other side's spread decides, with its n - 1 dof.
  const TTest half = welch_t_test({0.7, 0.7, 0.7}, {0.5, 0.6, 0.7});
  EXPECT_NEAR(half.dof, 2, 1e-12);
}

TEST(Stats, CorrectedResampledTMatchesNumpyScipy) {
  struct Case {
    std::vector<double> a, b;
    std::size_t train_rows, test_rows;
    double t, p;
  };
  const std::vector<Case> cases = {
      {{0.81, 0.84, 0.79, 0.83, 0.80}, {0.78, 0.80, 0.79, 0.79, 0.77}, 400, 100, 2.540211585108483,
       0.06396653057897166},
      {{0.7, 0.72, 0.69}, {0.71, 0.70, 0.72}, 200, 100, -0.29019050004400465, 0.7989924369481576}};
  for (const Case& c : cases) {
    const TTest r = corrected_resampled_t_test(c.a, c.b, c.train_rows, c.test_rows);
    EXPECT_NEAR(r.t, c.t, 1e-10 * std::fabs(c.t));
    EXPECT_NEAR(r.p, c.p, 1e-10 * c.p);
    EXPECT_EQ(r.dof, static_cast<double>(c.a.size() - 1));
  }
}

TEST(Stats, CorrectedResampledTIsWiderThanThePairedTest) {
  // Differences 1, 2, 3: mean 2, variance 1. Paired: t = 2 / sqrt(1/3);
  // corrected for 5 folds (test/train = 1/4): t = 2 / sqrt(1/3 + 1/4).
  const std::vector<double> a = {2, 4, 6}, b = {1, 2, 3};
  const TTest r = corrected_resampled_t_test(a, b, 400, 100);
  EXPECT_NEAR(r.t, 2 / std::sqrt(1.0 / 3 + 0.25), 1e-14);
  EXPECT_NEAR(r.difference, 2, 1e-15);
  EXPECT_EQ(r.n_a, 3u);
  EXPECT_GT(r.p, student_t_two_sided_p(2 / std::sqrt(1.0 / 3), 2));
  // A fold where either side diverged drops out of the pairs.
  EXPECT_EQ(corrected_resampled_t_test({2, 4, kNan, 6}, {1, 2, 5, 3}, 400, 100).t, r.t);
  EXPECT_THROW(corrected_resampled_t_test({1, 2}, {1}, 10, 5), Error);
  EXPECT_THROW(corrected_resampled_t_test({1, 2}, {1, 3}, 0, 5), Error);
}

}  // namespace
}  // namespace scratchnet
