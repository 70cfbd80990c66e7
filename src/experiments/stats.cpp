#include "scratchnet/experiments/stats.h"

#include <cmath>
#include <limits>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// The continued fraction of the incomplete beta function,
//   I_x(a,b) = x^a (1-x)^b / (a B(a,b)) * 1/(1+ d1/(1+ d2/(1+ ...)))
//   d_{2m+1} = -(a+m)(a+b+m) x / ((a+2m)(a+2m+1)),  d_{2m} = m(b-m) x / ((a+2m-1)(a+2m)),
// evaluated with the modified Lentz method, as in Numerical Recipes in C,
// 2nd ed. (Press et al. 1992), section 6.4, betacf. It converges fast for
// x < (a+1)/(a+b+2); the caller uses the symmetry I_x(a,b) = 1 - I_{1-x}(b,a)
// otherwise.
double beta_continued_fraction(double a, double b, double x) {
  constexpr int kMaxIterations = 1000;
  constexpr double kEpsilon = 1e-15;
  constexpr double kTiny = 1e-300;  // keeps Lentz's divisions away from 0
  auto guard = [](double v) { return std::fabs(v) < kTiny ? kTiny : v; };
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1;
  double d = 1 / guard(1 - qab * x / qap);
  double h = d;
  for (int m = 1; m <= kMaxIterations; ++m) {
    const int m2 = 2 * m;
    // Even step: d_{2m}.
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    h *= d * c;
    // Odd step: d_{2m+1}.
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 / guard(1 + aa * d);
    c = guard(1 + aa / c);
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1) < kEpsilon) break;
  }
  return h;
}

// I_x(a,b) with y = 1 - x given separately, so that x close to 1 (a small
// t statistic) loses no digits.
double incomplete_beta(double a, double b, double x, double y) {
  if (!(a > 0) || !(b > 0) || !(x >= 0) || !(y >= 0)) return kNan;
  if (x == 0) return 0;
  if (y == 0) return 1;
  // The front factor x^a y^b / B(a,b), in logarithms.
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log(y));
  if (x < (a + 1) / (a + b + 2)) return front * beta_continued_fraction(a, b, x) / a;
  return 1 - front * beta_continued_fraction(b, a, y) / b;
}

// The mean and the sample variance (n - 1 in the denominator) of the
// finite values; `n` receives how many there were.
void mean_variance(const std::vector<double>& values, double& mean, double& variance,
                   std::size_t& n) {
  n = 0;
  mean = 0;
  for (double v : values)
    if (std::isfinite(v)) mean += v, ++n;
  if (n == 0) {
    mean = variance = kNan;
    return;
  }
  mean /= static_cast<double>(n);
  double squares = 0;
  for (double v : values)
    if (std::isfinite(v)) squares += (v - mean) * (v - mean);
  variance = n > 1 ? squares / static_cast<double>(n - 1) : kNan;
}

// t = difference / sqrt(variance_of_difference) and its p-value. No spread:
// identical scores are no evidence of a difference (p = 1); different ones
// are a difference larger than any spread (p = 0).
void finish(TTest& test, double variance_of_difference) {
  if (variance_of_difference > 0) {
    test.t = test.difference / std::sqrt(variance_of_difference);
    test.p = student_t_two_sided_p(test.t, test.dof);
  } else if (test.difference == 0) {
    test.t = 0;
    test.p = 1;
  } else {
    test.t = std::copysign(std::numeric_limits<double>::infinity(), test.difference);
    test.p = 0;
  }
}

}  // namespace

double regularized_incomplete_beta(double a, double b, double x) {
  if (!(x >= 0 && x <= 1)) return kNan;
  return incomplete_beta(a, b, x, 1 - x);
}

double student_t_cdf(double t, double dof) {
  if (std::isnan(t) || !(dof > 0)) return kNan;
  // P(|T| >= |t|) = I_{dof/(dof+t^2)}(dof/2, 1/2); half of it lies on each side.
  const double tail = 0.5 * student_t_two_sided_p(t, dof);
  return t > 0 ? 1 - tail : tail;
}

double student_t_two_sided_p(double t, double dof) {
  if (std::isnan(t) || !(dof > 0)) return kNan;
  if (std::isinf(t)) return 0;
  const double t2 = t * t;
  return incomplete_beta(dof / 2, 0.5, dof / (dof + t2), t2 / (dof + t2));
}

TTest welch_t_test(const std::vector<double>& a, const std::vector<double>& b) {
  TTest test;
  double mean_a = 0, mean_b = 0, var_a = 0, var_b = 0;
  mean_variance(a, mean_a, var_a, test.n_a);
  mean_variance(b, mean_b, var_b, test.n_b);
  test.difference = mean_a - mean_b;
  if (test.n_a < 2 || test.n_b < 2) {
    test.t = test.dof = test.p = kNan;
    return test;
  }
  const double na = static_cast<double>(test.n_a), nb = static_cast<double>(test.n_b);
  // The variance of the difference of the means, and its Welch-Satterthwaite
  // degrees of freedom (the pooled n_a + n_b - 2 when neither has a spread).
  const double ua = var_a / na, ub = var_b / nb;
  const double se2 = ua + ub;
  const double denominator = ua * ua / (na - 1) + ub * ub / (nb - 1);
  test.dof = denominator > 0 ? se2 * se2 / denominator : na + nb - 2;
  finish(test, se2);
  return test;
}

TTest corrected_resampled_t_test(const std::vector<double>& a, const std::vector<double>& b,
                                 std::size_t train_rows, std::size_t test_rows) {
  if (a.size() != b.size())
    throw_usage("corrected resampled t-test: {} fold scores against {}; both variants need the "
                "scores of the same folds",
                a.size(), b.size());
  if (train_rows == 0 || test_rows == 0)
    throw_usage("corrected resampled t-test: a fold needs training and held-out rows (got {} and {})",
                train_rows, test_rows);
  std::vector<double> differences;
  for (std::size_t j = 0; j < a.size(); ++j)
    if (std::isfinite(a[j]) && std::isfinite(b[j])) differences.push_back(a[j] - b[j]);
  TTest test;
  double variance = 0;
  std::size_t pairs = 0;
  mean_variance(differences, test.difference, variance, pairs);
  test.n_a = test.n_b = pairs;
  if (pairs < 2) {
    test.t = test.dof = test.p = kNan;
    if (pairs == 0) test.difference = kNan;
    return test;
  }
  const double j = static_cast<double>(pairs);
  test.dof = j - 1;
  // Nadeau & Bengio's correction: 1/J (the naive paired test) plus the share
  // of held-out to training rows, for the correlation between folds.
  const double correction = 1 / j + static_cast<double>(test_rows) / static_cast<double>(train_rows);
  finish(test, correction * variance);
  return test;
}

}  // namespace scratchnet
