// compare and search: the cartesian product, the sampling distributions, the
// test split kept out of the search, and small end-to-end runs.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/search.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scratchnet_exp_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

TEST(Compare, CartesianProductVariesTheFirstSlowest) {
  const auto product = cartesian_product({parse_variation("train.optimizer=sgd,adam"),
                                          parse_variation("model.layers=30,30;50")});
  ASSERT_EQ(product.size(), 4u);
  EXPECT_EQ(describe(product[0]), "optimizer=sgd layers=30,30");
  EXPECT_EQ(describe(product[1]), "optimizer=sgd layers=50");
  EXPECT_EQ(describe(product[3]), "optimizer=adam layers=50");
  EXPECT_EQ(cartesian_product({}).size(), 1u);
}

TEST(Compare, BadVariationsAreUsageErrorsBeforeAnyTraining) {
  EXPECT_THROW(parse_variation("train.optimizer"), Error);
  EXPECT_THROW(parse_variation("train.optimizer=sgd,,adam"), Error);
  EXPECT_THROW(parse_variation("train.optimizr=sgd"), Error);
  EXPECT_THROW(parse_variation("train.batch_size=0,8"), Error);
}

TEST(Search, SamplesStayInTheirRangesAndRepeatFromTheSeed) {
  const ParamDistribution lr = parse_param("train.lr=log:1e-6:1e-2");
  const ParamDistribution units = parse_param("train.batch_size=int:4:6");
  const ParamDistribution opt = parse_param("train.optimizer=choice:sgd,adam");
  Rng a(7), b(7);
  std::set<std::string> sizes, opts;
  int below_1e4 = 0;
  for (int i = 0; i < 2000; ++i) {
    const double v = std::stod(lr.sample(a));
    ASSERT_GE(v, 1e-6 * (1 - 1e-5));
    ASSERT_LE(v, 1e-2 * (1 + 1e-5));
    below_1e4 += v < 1e-4;
    sizes.insert(units.sample(a));
    opts.insert(opt.sample(a));
  }
  // Log-uniform: half the draws fall below the geometric middle, 1e-4.
  EXPECT_NEAR(below_1e4 / 2000.0, 0.5, 0.05);
  EXPECT_EQ(sizes, (std::set<std::string>{"4", "5", "6"}));
  EXPECT_EQ(opts, (std::set<std::string>{"sgd", "adam"}));
  Rng c(7);
  EXPECT_EQ(lr.sample(b), lr.sample(c));
  EXPECT_THROW(parse_param("train.lr=log:0:1"), Error);
  EXPECT_THROW(parse_param("train.lr=normal:1:2"), Error);
  EXPECT_THROW(parse_param("train.lr=uniform:2:1"), Error);
}

TEST(Search, NarrowKeepsTheBestTrialsRange) {
  const auto params = std::vector<ParamDistribution>{parse_param("train.lr=log:1e-9:1e-1"),
                                                     parse_param("train.optimizer=choice:sgd,adam,adagrad")};
  const auto narrowed = narrow(params, {{{"train.lr", "0.001"}, {"train.optimizer", "adam"}},
                                        {{"train.lr", "0.01"}, {"train.optimizer", "sgd"}}});
  EXPECT_DOUBLE_EQ(narrowed[0].low, 0.001);
  EXPECT_DOUBLE_EQ(narrowed[0].high, 0.01);
  EXPECT_EQ(narrowed[1].choices, (std::vector<std::string>{"sgd", "adam"}));
}

TEST(Search, TrialsNeverEvaluateTheTestSplitAndTheBestConfigReproduces) {
  TrainConfig base;
  base.data = "digits";
  base.layers = {32};
  base.epochs = 3;
  SearchOptions options;
  options.params = {parse_param("train.lr=log:1e-4:1e-1")};
  options.trials = 4;
  options.jobs = 2;
  options.out = temp_dir("search");
  const SearchResult r = run_search(base, options, nullptr);
  ASSERT_EQ(r.trials.size(), 4u);
  for (const auto& t : r.trials) {
    EXPECT_TRUE(std::isnan(t.summary.test_accuracy)) << "trial " << t.number << " looked at the test split";
    EXPECT_TRUE(std::isfinite(t.summary.val_accuracy));
    EXPECT_EQ(t.summary.validation_samples, r.trials[0].summary.validation_samples);
  }
  // Deterministic: the same seed draws the same values, whatever --jobs.
  SearchOptions again = options;
  again.jobs = 1;
  again.out = temp_dir("search_again");
  const SearchResult r2 = run_search(base, again, nullptr);
  for (std::size_t i = 0; i < r.trials.size(); ++i) {
    EXPECT_EQ(r.trials[i].values, r2.trials[i].values);
    EXPECT_EQ(r.trials[i].summary.val_accuracy, r2.trials[i].summary.val_accuracy);
  }
  // best.toml retrained gives the reported test accuracy.
  TrainConfig best;
  best.load_toml_file((fs::path(options.out) / "best.toml").string());
  best.out = temp_dir("search_best");
  EXPECT_EQ(run_training(best, nullptr).test_accuracy, r.best_test.test_accuracy);
  for (const auto& d : {options.out, again.out, best.out}) fs::remove_all(d);
}

TEST(Compare, WritesTablesPlotsAndReport) {
  TrainConfig base;
  base.data = "digits";
  base.layers = {16};
  base.epochs = 2;
  CompareOptions options;
  options.vary = {parse_variation("train.optimizer=sgd,adam")};
  options.repeats = 2;
  options.out = temp_dir("compare");
  const auto results = run_compare(base, options, nullptr);
  ASSERT_EQ(results.size(), 2u);
  for (const auto& v : results) {
    ASSERT_EQ(v.runs.size(), 2u);
    EXPECT_NE(v.runs[0].test_accuracy, v.runs[1].test_accuracy) << "repeats must use different seeds";
  }
  std::ifstream csv(fs::path(options.out) / "results.csv");
  std::string header, row;
  std::getline(csv, header);
  EXPECT_EQ(header.rfind("train.optimizer,runs,train_accuracy,train_accuracy_std,test_accuracy", 0), 0u)
      << header;
  int rows = 0;
  while (std::getline(csv, row)) ++rows;
  EXPECT_EQ(rows, 2);
  for (const char* f : {"results.md", "report.html", "loss_per_iteration.gp", "test_accuracy.dat",
                        "runs/optimizer-adam/repeat-2/model.snm", "runs/optimizer-sgd/repeat-1/steps.csv"})
    EXPECT_TRUE(fs::exists(fs::path(options.out) / f)) << f;
  if (gnuplot_available()) {
    EXPECT_GT(fs::file_size(fs::path(options.out) / "loss_per_iteration.png"), 1000u);
    EXPECT_GT(fs::file_size(fs::path(options.out) / "test_accuracy.svg"), 1000u);
  }
  fs::remove_all(options.out);
}

TEST(Compare, ARegressionTableHasNoAccuracyColumnsAndItsLossIsOnALogAxis) {
  TrainConfig base;
  base.data = "sine";
  base.layers = {8};
  base.epochs = 3;
  CompareOptions options;
  options.vary = {parse_variation("model.activation=tanh,relu")};
  options.out = temp_dir("compare_sine");
  run_compare(base, options, nullptr);
  std::ifstream md(fs::path(options.out) / "results.md");
  const std::string table((std::istreambuf_iterator<char>(md)), std::istreambuf_iterator<char>());
  EXPECT_NE(table.find("| runs | train_loss | test_loss |"), std::string::npos) << table;
  EXPECT_EQ(table.find("accuracy"), std::string::npos) << table;
  std::ifstream gp(fs::path(options.out) / "test_loss.gp");
  const std::string script((std::istreambuf_iterator<char>(gp)), std::istreambuf_iterator<char>());
  EXPECT_NE(script.find("set logscale y"), std::string::npos);
  fs::remove_all(options.out);
}

}  // namespace
}  // namespace scratchnet
