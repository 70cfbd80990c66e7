// `scratchnet plot` on a run folder (learning curves, confusion matrix,
// regression fit) and on an experiment folder (re-rendering its plots): the
// data files hold what the run's own files and the model say, and with
// gnuplot installed every chart is rendered as PNG and SVG.

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_support.h"
#include "../support/chart_files.h"

namespace scratchnet::cli_testing {
namespace {

class Plot : public CliTest {
 protected:
  // Trains `train ARGS` into run/ and plots it; returns the plot command's result.
  Result train_and_plot(const std::string& args) {
    const Result t = run("train " + args + " -q --out " + path("run"));
    EXPECT_EQ(t.code, 0) << t.output;
    const Result p = run("plot " + path("run"));
    EXPECT_EQ(p.code, 0) << p.output;
    return p;
  }
};

using Series = testing::ChartSeries;
std::vector<Series> read_series(const std::string& path) { return testing::read_chart_series(path); }

bool have_gnuplot() { return run_shell("command -v gnuplot").code == 0; }

void expect_rendered(const std::string& dir, const std::string& chart) {
  EXPECT_TRUE(fs::exists(dir + "/" + chart + ".gp")) << chart;
  EXPECT_TRUE(fs::exists(dir + "/" + chart + ".dat")) << chart;
  if (!have_gnuplot()) return;
  for (const char* ext : {".png", ".svg"})
    EXPECT_GT(fs::exists(dir + "/" + chart + ext) ? fs::file_size(dir + "/" + chart + ext) : 0u, 0u)
        << chart << ext;
}

TEST_F(Plot, RunFolderGetsLearningCurvesAndTheTestConfusionMatrix) {
  const std::string out = path("run");
  const Result p = train_and_plot("--data digits --layers 16 --epochs 3");
  EXPECT_NE(p.output.find("learning_curves, loss_curves, confusion_matrix"), std::string::npos)
      << p.output;
  for (const char* chart : {"learning_curves", "loss_curves", "confusion_matrix"})
    expect_rendered(out, chart);

  // The curves are metrics.csv's columns, epoch by epoch.
  const Csv metrics(out + "/metrics.csv");
  const auto accuracy = read_series(out + "/learning_curves.dat");
  ASSERT_EQ(accuracy.size(), 2u);
  // train.train_metrics running (the default): the running mean over each epoch's batches.
  EXPECT_EQ(accuracy[0].label, "train (running mean)");
  EXPECT_EQ(accuracy[1].label, "test");
  EXPECT_EQ(accuracy[0].y, metrics.column("running_train_accuracy"));
  EXPECT_EQ(accuracy[1].y, metrics.column("test_accuracy"));
  EXPECT_EQ(accuracy[1].x, (std::vector<double>{1, 2, 3}));
  const auto loss = read_series(out + "/loss_curves.dat");
  ASSERT_EQ(loss.size(), 2u);
  EXPECT_EQ(loss[1].y, metrics.column("test_loss"));

  // The confusion matrix counts the test split: every sample once, the
  // diagonal as many as the run's test accuracy says.
  std::ifstream in(out + "/confusion_matrix.dat");
  double total = 0, diagonal = 0;
  int cells = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream row(line);
    double column, r, count;
    row >> column >> r >> count;
    total += count;
    if (column == r) diagonal += count;
    ++cells;
  }
  EXPECT_EQ(cells, 100);
  EXPECT_EQ(total, summary_value(out, "test_samples"));
  EXPECT_NEAR(diagonal / total, summary_value(out, "test_accuracy"), 1e-6);
}

TEST_F(Plot, RegressionRunGetsTheTestDataAndTheModelsCurve) {
  const std::string out = path("run");
  const Result p = train_and_plot("--data sine --layers 16 --activation tanh --epochs 5");
  EXPECT_NE(p.output.find("loss_curves, regression_fit"), std::string::npos) << p.output;
  EXPECT_EQ(p.output.find("confusion_matrix"), std::string::npos) << p.output;
  expect_rendered(out, "regression_fit");
  const auto fit = read_series(out + "/regression_fit.dat");
  ASSERT_EQ(fit.size(), 2u);
  EXPECT_EQ(fit[0].label, "test data");
  EXPECT_EQ(fit[0].x.size(), summary_value(out, "test_samples"));
  EXPECT_EQ(fit[1].label, "model");
  ASSERT_GE(fit[1].x.size(), 2u);
  // The curve spans the test data and is what the model predicts there.
  EXPECT_EQ(fit[1].x.front(), *std::min_element(fit[0].x.begin(), fit[0].x.end()));
  EXPECT_NEAR(fit[1].x.back(), *std::max_element(fit[0].x.begin(), fit[0].x.end()), 1e-5);
  std::string xs = "x\n";
  for (double x : fit[1].x) xs += std::to_string(x) + "\n";
  const Result predicted = run("predict --model " + out + "/model.snm --input " +
                               write("xs.csv", xs) + " --output " + path("ys.csv"));
  ASSERT_EQ(predicted.code, 0) << predicted.output;
  const auto ys = Csv(path("ys.csv")).column("prediction");
  ASSERT_EQ(ys.size(), fit[1].y.size());
  for (std::size_t i = 0; i < ys.size(); ++i)
    EXPECT_NEAR(ys[i], fit[1].y[i], 1e-4) << "x = " << fit[1].x[i];
}

TEST_F(Plot, DiagnosticsFlagRecordsLayersAndPlotDrawsThem) {
  // --diagnostics alone: at initialisation and after every epoch.
  const std::string out = path("run");
  const Result p = train_and_plot("--data digits --layers 16,8 --epochs 2 --diagnostics");
  EXPECT_NE(p.output.find("activation_histograms, activation_spread, gradient_norms, update_ratios, dead_saturated"),
            std::string::npos)
      << p.output;
  const Csv layers(out + "/layers.csv");
  EXPECT_EQ(layers.column("record"), (std::vector<double>{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2}));
  for (const char* chart : {"activation_histograms", "gradient_norms", "dead_saturated"}) expect_rendered(out, chart);
  // --diagnostics=every:N: after every N-th step (22 steps an epoch here at batch 64).
  const std::string every = path("every");
  const Result t = run("train --data digits --layers 16 --epochs 1 --batch-size 64 --diagnostics=every:10 -q --out " +
                       every);
  ASSERT_EQ(t.code, 0) << t.output;
  const auto iterations = Csv(every + "/layers.csv").column("iteration");
  EXPECT_EQ(iterations, (std::vector<double>{0, 0, 0, 10, 10, 10, 20, 20, 20}));
  const Result bad = run("train --data digits --diagnostics=weekly -q --out " + path("bad"));
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.output.find("every:N"), std::string::npos) << bad.output;
}

TEST_F(Plot, ExperimentFolderIsRerendered) {
  const std::string out = path("cmp");
  ASSERT_EQ(
      run("compare --data digits --layers 8 --epochs 2 --vary train.optimizer=sgd,adam --out " +
          out)
          .code,
      0);
  // The per-epoch chart holds each variant's test accuracy from its run.
  const auto curves = read_series(out + "/test_accuracy.dat");
  ASSERT_EQ(curves.size(), 2u);
  EXPECT_EQ(curves[0].label, "optimizer=sgd");
  EXPECT_EQ(curves[0].y, Csv(out + "/runs/optimizer-sgd/metrics.csv").column("test_accuracy"));
  EXPECT_EQ(curves[1].y, Csv(out + "/runs/optimizer-adam/metrics.csv").column("test_accuracy"));

  std::vector<std::string> charts;
  for (const auto& entry : fs::directory_iterator(out))
    if (entry.path().extension() == ".gp") charts.push_back(entry.path().stem().string());
  EXPECT_GE(charts.size(), 3u);
  for (const auto& chart : charts)
    for (const char* ext : {".png", ".svg"}) fs::remove(out + "/" + chart + ext);
  const Result p = run("plot " + out);
  ASSERT_EQ(p.code, 0) << p.output;
  if (have_gnuplot()) {
    EXPECT_NE(p.output.find("rendered " + std::to_string(charts.size()) + " plot(s)"),
              std::string::npos)
        << p.output;
    for (const auto& chart : charts) expect_rendered(out, chart);
  } else {
    EXPECT_NE(p.output.find("gnuplot"), std::string::npos)
        << "no word on how to render: " << p.output;
  }
  EXPECT_EQ(run("plot " + path("nothing-here")).code, 1);
}

}  // namespace
}  // namespace scratchnet::cli_testing
