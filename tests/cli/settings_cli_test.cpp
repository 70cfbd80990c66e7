// The library-API redesign seen from the command line: resolved defaults in
// the run header and config.toml, the search seed, --help from the registries.

#include <string>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using Settings = CliTest;

TEST_F(Settings, TrainWritesTheLearningRateItUsedAndSaysSo) {
  const Result r = run("train --data digits --epochs 1 --out " + path("run"));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("adam (beta1 0.9, beta2 0.999, eps 1e-08), lr 0.001"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("thread"), std::string::npos) << r.output;
  const std::string config = slurp(path("run/config.toml"));
  EXPECT_NE(config.find("\nlr = 0.001\n"), std::string::npos) << config;
  EXPECT_NE(config.find("\nscale = \"standard\"\n"), std::string::npos) << config;
  // Re-running the run's config.toml (which names the same folder) gives the same model.
  std::filesystem::rename(path("run"), path("first"));
  const Result again = run("train " + path("first/config.toml") + " -q");
  ASSERT_EQ(again.code, 0) << again.output;
  EXPECT_TRUE(slurp(path("run/model.snm")) == slurp(path("first/model.snm")));
}

TEST_F(Settings, SearchSeedIsNotTheTrainingSeed) {
  // The trials drawn depend on the search seed only: --seed (training) must
  // not change them (it used to set the search seed to 0).
  const std::string args = "search --data xor --layers 4 --epochs 1 --param train.lr=log:1e-3:1e-1 --trials 3 ";
  ASSERT_EQ(run(args + "--out " + path("a")).code, 0);
  ASSERT_EQ(run(args + "--seed 5 --out " + path("b")).code, 0);
  ASSERT_EQ(run(args + "--search-seed 0 --out " + path("c")).code, 0);
  const auto lrs = [&](const std::string& dir) {
    std::string csv = slurp(path(dir + "/results.csv")), out;
    std::istringstream in(csv);
    std::string line;
    std::getline(in, line);
    // trial,pass,train.lr,...: the drawn rate is the third column.
    while (std::getline(in, line)) {
      const std::size_t a = line.find(',', line.find(',') + 1) + 1;
      out += line.substr(a, line.find(',', a) - a) + ";";
    }
    return out;
  };
  EXPECT_EQ(lrs("a"), lrs("b"));
  EXPECT_NE(lrs("a"), lrs("c"));
}

TEST_F(Settings, HelpListsTheRegisteredChoices) {
  const Result r = run("train --help");
  ASSERT_EQ(r.code, 0);
  EXPECT_NE(r.output.find("leaky_relu"), std::string::npos);
  EXPECT_NE(r.output.find("--rho"), std::string::npos);
  EXPECT_NE(r.output.find("--eps"), std::string::npos);
  EXPECT_NE(r.output.find("adamw"), std::string::npos);
}

TEST_F(Settings, AMisspeltVariantValueFailsBeforeAnyRun) {
  const Result r = run("compare --data xor --epochs 1 --vary train.optimizer=sgd,adamm --out " + path("x"));
  EXPECT_EQ(r.code, 2) << r.output;
  EXPECT_NE(r.output.find("adamm"), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(path("x/runs")));
}

}  // namespace
}  // namespace scratchnet::cli_testing
