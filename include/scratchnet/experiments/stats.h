#pragma once
// Significance tests for experiment reports: is the difference between two
// variants larger than the spread of their scores?
//
//   welch_t_test                 scores of independent runs (repeats with
//                                different seeds): Welch's unequal-variance
//                                t-test (Welch, Biometrika 1947)
//   corrected_resampled_t_test   scores of cross-validation folds, which
//                                share training rows: the paired t-test with
//                                Nadeau & Bengio's corrected variance
//                                (Machine Learning 52, 2003)
// Both are two-sided. p-values come from the Student t distribution, whose
// CDF is computed here from the regularised incomplete beta function.
//
// Non-finite scores (diverged runs) are left out. A test that cannot be
// made (fewer than two scores on a side, or no spread and no difference to
// judge it by) gives p = NaN.

#include <cstddef>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

// I_x(a, b) for a, b > 0 and x in [0, 1]; NaN outside.
SCRATCHNET_API double regularized_incomplete_beta(double a, double b, double x);

// P(T <= t) for Student's t with `dof` > 0 degrees of freedom (not
// necessarily whole: Welch's test has fractional ones).
SCRATCHNET_API double student_t_cdf(double t, double dof);

// P(|T| >= |t|): the two-sided p-value of a t statistic.
SCRATCHNET_API double student_t_two_sided_p(double t, double dof);

struct SCRATCHNET_API TTest {
  double difference = 0;  // mean(a) - mean(b)
  double t = 0;           // +-inf when the scores have no spread but differ
  double dof = 0;
  double p = 0;           // two-sided; NaN when the test cannot be made
  std::size_t n_a = 0, n_b = 0;  // finite scores used (pairs for the folds test)
};

// Welch: t = (mean_a - mean_b) / sqrt(s_a^2/n_a + s_b^2/n_b) with the
// Welch-Satterthwaite degrees of freedom. Needs two finite scores per side.
SCRATCHNET_API TTest welch_t_test(const std::vector<double>& a, const std::vector<double>& b);

// Nadeau-Bengio: a[j] and b[j] are the scores of fold j (the same folds for
// both); d_j = a[j] - b[j] over the J pairs where both are finite, and
//   t = mean(d) / sqrt((1/J + test_rows/train_rows) * s_d^2),  J - 1 dof,
// where train_rows and test_rows are the sizes of one fold's training and
// held-out parts (K-fold: test_rows/train_rows = 1/(K-1)). The plain paired
// test (the correction term 0) underestimates the variance, since the folds
// train on overlapping rows. Repeated K-fold (r x K pairs) is covered too
// (Bouckaert & Frank, PAKDD 2004). Throws a usage error when the lists
// differ in length or a row count is 0.
SCRATCHNET_API TTest corrected_resampled_t_test(const std::vector<double>& a,
                                                const std::vector<double>& b,
                                                std::size_t train_rows, std::size_t test_rows);

}  // namespace scratchnet
