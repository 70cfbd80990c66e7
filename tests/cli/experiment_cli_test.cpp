// compare and search through the tool: runs spread over --jobs give the same
// table as one job, each row is the mean and standard deviation of its runs'
// summaries, and search --refine-top draws its second pass inside the range
// of the best first-pass trials.

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using Experiments = CliTest;

TEST_F(Experiments, CompareWithTwoJobsGivesTheTableOfOneJob) {
  const std::string args =
      "compare --data digits --layers 8 --epochs 2 --vary train.optimizer=sgd,adam "
      "--repeats 2 --out ";
  const std::string one = path("one"), two = path("two");
  ASSERT_EQ(run(args + one + " --jobs 1").code, 0);
  const Result r = run(args + two + " --jobs 2");
  ASSERT_EQ(r.code, 0) << r.output;
  const Csv a(one + "/results.csv"), b(two + "/results.csv");
  ASSERT_EQ(a.rows.size(), 2u);
  EXPECT_EQ(a.header, b.header);
  // Everything but the timing column agrees.
  for (const auto& column : a.header) {
    if (column == "seconds") continue;
    for (std::size_t row = 0; row < 2; ++row) {
      const std::size_t c = static_cast<std::size_t>(
          std::find(a.header.begin(), a.header.end(), column) - a.header.begin());
      EXPECT_EQ(a.rows[row][c], b.rows[row][c]) << column << " row " << row;
    }
  }
  // A row is the mean and sample standard deviation of its two repeats.
  for (std::size_t row = 0; row < 2; ++row) {
    const std::string optimizer = b.rows[row][0];
    const double x1 =
        summary_value(two + "/runs/optimizer-" + optimizer + "/repeat-1", "test_accuracy");
    const double x2 =
        summary_value(two + "/runs/optimizer-" + optimizer + "/repeat-2", "test_accuracy");
    EXPECT_NE(x1, x2) << "repeats use different seeds";
    EXPECT_NEAR(b.column("test_accuracy")[row], (x1 + x2) / 2, 2e-6) << optimizer;
    EXPECT_NEAR(b.column("test_accuracy_std")[row], std::abs(x1 - x2) / std::sqrt(2.0), 2e-6)
        << optimizer;
    EXPECT_EQ(b.column("runs")[row], 2);
  }
}

TEST_F(Experiments, SearchRefineTopDrawsTheSecondPassInsideTheBestTrialsRange) {
  const std::string out = path("search");
  const Result r =
      run("search --data digits --layers 8 --epochs 2 --param train.lr=log:1e-4:1e-1 "
          "--trials 6 --top 3 --refine-top 2 --refine-trials 3 --out " +
          out);
  ASSERT_EQ(r.code, 0) << r.output;
  const Csv trials(out + "/results.csv");
  ASSERT_EQ(trials.rows.size(), 9u);
  const auto pass = trials.column("pass"), lr = trials.column("train.lr"),
             score = trials.column("val_accuracy");
  // The first pass: 6 trials over the whole range; its two best (ties
  // included, whichever way they were broken) bound the second pass.
  std::vector<double> first_scores;
  for (std::size_t t = 0; t < 6; ++t) {
    EXPECT_EQ(pass[t], 1);
    EXPECT_GE(lr[t], 1e-4);
    EXPECT_LE(lr[t], 1e-1);
    first_scores.push_back(score[t]);
  }
  std::sort(first_scores.rbegin(), first_scores.rend());
  double low = 1, high = 0;
  for (std::size_t t = 0; t < 6; ++t)
    if (score[t] >= first_scores[1]) {
      low = std::min(low, lr[t]);
      high = std::max(high, lr[t]);
    }
  for (std::size_t t = 6; t < 9; ++t) {
    EXPECT_EQ(pass[t], 2);
    EXPECT_GE(lr[t], low * (1 - 1e-5)) << "trial " << t + 1;
    EXPECT_LE(lr[t], high * (1 + 1e-5)) << "trial " << t + 1;
  }
  EXPECT_NE(r.output.find("second pass ranges: train.lr=log:"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace scratchnet::cli_testing
