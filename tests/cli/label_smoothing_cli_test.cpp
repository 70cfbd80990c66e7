// train.label_smoothing from the command line: the flag and its help, the
// run's config.toml, and the usage errors (out of range; a regression).

#include <string>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using LabelSmoothing = CliTest;

TEST_F(LabelSmoothing, TheFlagIsListedAndWrittenToTheRunsConfig) {
  const Result help = run("train --help");
  ASSERT_EQ(help.code, 0);
  EXPECT_NE(help.output.find("--label-smoothing"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("eps in [0, 1)"), std::string::npos) << help.output;
  const Result r = run("train --data digits --epochs 1 --label-smoothing 0.2 -q --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(slurp(path("run/config.toml")).find("\nlabel_smoothing = 0.2\n"), std::string::npos);
}

TEST_F(LabelSmoothing, OutOfRangeOrARegressionIsAUsageError) {
  const Result one = run("train --data digits --epochs 1 --label-smoothing 1 --out " + path("a"));
  EXPECT_EQ(one.code, 2) << one.output;
  EXPECT_NE(one.output.find("--label-smoothing: train.label_smoothing: 1 is out of range [0, 1)"), std::string::npos)
      << one.output;
  const Result sine = run("train --data sine --epochs 1 --label-smoothing 0.1 --out " + path("b"));
  EXPECT_EQ(sine.code, 2) << sine.output;
  EXPECT_NE(sine.output.find("train.label_smoothing: label smoothing needs a classification task"), std::string::npos)
      << sine.output;
}

}  // namespace
}  // namespace scratchnet::cli_testing
