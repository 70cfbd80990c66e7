#pragma once
// The conclusion of a comparison: for each metric the best variant, and for
// every other variant the difference to it and whether that difference is
// larger than the spread of the scores (stats.h), in one sentence and a
// table, e.g.
//   "optimizer=rmsprop and optimizer=adam are tied on test accuracy
//    (p = 0.57, 3 repeats); optimizer=sgd is lower by 0.018 (p = 0.04)."
// A variant is "tied" with the best when p >= alpha (0.05): the difference
// is within what the spread over repeats (or folds) produces by chance. The
// p-values are not corrected for the number of comparisons.
//
// Scores are per repeat (independent runs: Welch's t-test) or per fold of a
// cross-validation (the same folds for every variant, fold j at index j:
// Nadeau-Bengio's corrected resampled t-test). With one score per variant
// no spread is known and the sentence says so instead of giving p-values.
// Non-finite scores (diverged runs) are left out; a variant without any is
// named as diverged.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/experiments/report.h"
#include "scratchnet/experiments/stats.h"

namespace scratchnet {

// How a variant's scores were obtained, which decides the test.
struct SCRATCHNET_API ScoreDesign {
  enum class Kind { kRepeats, kFolds } kind = Kind::kRepeats;
  std::size_t train_rows = 0, test_rows = 0;  // kFolds: one fold's training and held-out rows

  static ScoreDesign repeats() { return {}; }
  static ScoreDesign folds(std::size_t train_rows, std::size_t test_rows) {
    return {Kind::kFolds, train_rows, test_rows};
  }
  // "3 repeats", "5 folds", "1 run".
  std::string count(std::size_t n) const;
  // "Welch's t-test over repeats", for captions.
  std::string test_name() const;
};

struct SCRATCHNET_API Metric {
  std::string name;  // as the sentence says it: "test accuracy"
  bool higher_is_better = true;
};

struct SCRATCHNET_API VariantScores {
  std::string label;           // "optimizer=adam"
  std::vector<double> scores;  // one per repeat or fold; NaN: diverged
};

struct SCRATCHNET_API VariantVerdict {
  enum class Standing {
    kBest,
    kTied,      // p >= alpha
    kWorse,     // p < alpha
    kUnknown,   // no p-value: fewer than two scores on a side
    kDiverged,  // no finite score
  } standing = Standing::kDiverged;
  double mean = 0;  // of the finite scores; NaN when diverged
  std::size_t n = 0;
  TTest test;  // this variant against the best (difference = this - best); unset for the best
};

struct SCRATCHNET_API MetricVerdict {
  Metric metric;
  static constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t best = kNone;              // kNone when every variant diverged
  std::vector<VariantVerdict> variants;  // in the order of the scores given
  std::string sentence;                  // one sentence, ending in '.'
};

// Requires at least one variant; throws a usage error otherwise, or when
// alpha is not in (0, 1).
SCRATCHNET_API MetricVerdict judge(const Metric& metric, const std::vector<VariantScores>& variants,
                                   const ScoreDesign& design, double alpha = 0.05);

// One row per variant (the labels of the scores judged), one column per
// metric: "best (0.9727)", "-0.0180, p = 0.04", "-0.0030, p = 0.57 (tied)",
// "-0.0100 (no spread)", "diverged"; when no variant has a p-value (one run
// each) the caption says so and the cells hold the differences alone.
// Requires verdicts over the same variants.
SCRATCHNET_API ReportTable differences_table(const std::vector<MetricVerdict>& verdicts,
                                             const std::vector<std::string>& labels,
                                             const ScoreDesign& design, double alpha = 0.05);

// Two significant digits: "p = 0.57", "p = 0.050", "p = 0.0042", "p < 0.001".
SCRATCHNET_API std::string format_p(double p);

}  // namespace scratchnet
