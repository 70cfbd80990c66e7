// The figures of per-layer diagnostics: in a run folder (one histogram panel
// per activation layer, gradient norms per layer, dead and saturated shares)
// with the data each draws, and in a comparison (one row of panels per
// variant, one figure per facet value), linked from the report.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "scratchnet/app/diagnostics_file.h"
#include "scratchnet/app/run.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/diagnostics_plots.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/run_plots.h"
#include "support/chart_files.h"
#include "support/temp_dir.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string read(const fs::path& path) { return testing::read_text(path.string()); }
using testing::count_of;
using Block = testing::ChartSeries;
std::vector<Block> read_series(const fs::path& path) { return testing::read_chart_series(path.string()); }

TrainConfig digits(const std::string& out, const std::string& activation) {
  TrainConfig c;
  c.set("data.source", "digits");
  c.set("model.layers", "16,8");
  c.set("model.activation", activation);
  c.set("train.epochs", "2");
  c.set("train.diagnostics", "epoch");
  c.set("output.dir", out);
  return c;
}

TEST(DiagnosticsFigures, RunFolderGetsOnePanelPerActivationLayer) {
  const std::string out = testing::temp_dir("diagfig_run");
  run_training(digits(out, "sigmoid"), nullptr);
  const PlotOutcome made = plot_diagnostics(out);
  EXPECT_EQ(made.made, (std::vector<std::string>{"activation_histograms", "activation_spread", "gradient_norms",
                                                 "update_ratios", "dead_saturated"}));
  // Two sigmoid layers: two panels (and the key), drawn for PNG and SVG.
  const std::string script = read(fs::path(out) / "activation_histograms.gp");
  EXPECT_EQ(count_of(script, "\nplot "), 2u * 3u);
  EXPECT_NE(script.find("set title 'layer 2 sigmoid' font"), std::string::npos) << script;
  EXPECT_NE(script.find("set title 'layer 4 sigmoid' font"), std::string::npos);
  EXPECT_NE(script.find("with steps"), std::string::npos);
  // Each histogram is the share of the layer's outputs per bin over [0, 1]:
  // initialisation and the last epoch, each summing to 1.
  const std::vector<Block> bars = read_series(fs::path(out) / "activation_histograms.dat");
  ASSERT_EQ(bars.size(), 4u);
  EXPECT_EQ(bars[0].label, "initialisation");
  EXPECT_EQ(bars[1].label, "epoch 2");
  for (const Block& b : bars) {
    ASSERT_EQ(b.y.size(), kHistogramBins + 3);
    EXPECT_EQ(b.x.front(), 0);
    EXPECT_EQ(b.x.back(), 1);
    double total = 0;
    for (std::size_t k = 1; k <= kHistogramBins; ++k) total += b.y[k];
    EXPECT_NEAR(total, 1, 1e-5);
  }
  // Gradient norms: the three dense layers over the three records, as layers.csv has them.
  const std::vector<Block> norms = read_series(fs::path(out) / "gradient_norms.dat");
  ASSERT_EQ(norms.size(), 3u);
  EXPECT_EQ(norms[0].label, "layer 1 dense");
  EXPECT_EQ(norms[2].label, "layer 5 dense");
  const std::vector<DiagnosticsRecord> records = read_diagnostics(out);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(norms[1].x, (std::vector<double>{0, 1, 2}));
  for (std::size_t k = 0; k < 3; ++k) EXPECT_NEAR(norms[1].y[k], records[k].layers[2].grad_norm, 1e-6 * norms[1].y[k]);
  // Saturation of the sigmoid layers (no ReLU: nothing dies).
  const std::vector<Block> shares = read_series(fs::path(out) / "dead_saturated.dat");
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[0].label, "layer 2 sigmoid: saturated");
  // The report's list of the run's figures has them after the run's own.
  if (gnuplot_available()) {
    EXPECT_TRUE(made.message.empty()) << made.message;
    const std::vector<std::string> files = run_figure_files(out);
    ASSERT_EQ(files.size(), 5u);
    EXPECT_EQ(files[0], "activation_histograms.png");
    EXPECT_EQ(files[4], "dead_saturated.png");
  }
  fs::remove_all(out);
}

TEST(DiagnosticsFigures, ReluPanelsSayHowManyOutputsAreZero) {
  const std::string out = testing::temp_dir("diagfig_relu");
  run_training(digits(out, "relu"), nullptr);
  plot_diagnostics(out);
  const std::string script = read(fs::path(out) / "activation_histograms.gp");
  EXPECT_NE(script.find("set title 'layer 2 relu' font"), std::string::npos) << script;
  EXPECT_NE(script.find("set label 2 'zeros "), std::string::npos) << script;
  // Both layers over one x axis: the bins of the wider range.
  const std::vector<Block> bars = read_series(fs::path(out) / "activation_histograms.dat");
  ASSERT_EQ(bars.size(), 4u);
  for (const Block& b : bars) {
    EXPECT_EQ(b.x.front(), bars[0].x.front());
    EXPECT_EQ(b.x.back(), bars[0].x.back());
  }
  const std::vector<DiagnosticsRecord> records = read_diagnostics(out);
  double widest = 0;
  for (const DiagnosticsRecord& r : {records.front(), records.back()})
    for (std::size_t i : {1, 3}) widest = std::max(widest, r.layers[i].histogram.high);
  EXPECT_NEAR(bars[0].x.back(), widest, 1e-5 * widest);
  const std::vector<Block> shares = read_series(fs::path(out) / "dead_saturated.dat");
  ASSERT_EQ(shares.size(), 2u);
  EXPECT_EQ(shares[1].label, "layer 4 relu: dead");
  // Without diagnostics a later run in the same folder leaves no figure of them.
  TrainConfig off = digits(out, "relu");
  off.set("train.diagnostics", "off");
  run_training(off, nullptr);
  EXPECT_FALSE(fs::exists(fs::path(out) / "layers.csv"));
  EXPECT_TRUE(plot_diagnostics(out).made.empty());
  EXPECT_FALSE(fs::exists(fs::path(out) / "activation_histograms.gp"));
  fs::remove_all(out);
}

TEST(DiagnosticsFigures, CompareDrawsARowOfPanelsPerVariantAndLinksEachRunsFigures) {
  TrainConfig base = digits("", "sigmoid");
  base.set("train.epochs", "1");
  CompareOptions options;
  options.vary = {parse_variation("model.activation=sigmoid,relu"), parse_variation("model.init=normal:1,xavier")};
  options.out = testing::temp_dir("diagfig_compare");
  run_compare(base, options, nullptr);
  const fs::path out = options.out;
  // One figure per facet value (the activation), each a row per init and a
  // column per activation layer.
  for (const char* activation : {"sigmoid", "relu"}) {
    const fs::path script_path = out / fmt::format("activation_histograms-activation-{}.gp", activation);
    ASSERT_TRUE(fs::exists(script_path)) << script_path;
    const std::string script = read(script_path);
    EXPECT_EQ(count_of(script, "\nplot "), 2u * 5u);
    EXPECT_NE(script.find("set title 'init=normal:1 · layer 2"), std::string::npos) << script;
    EXPECT_NE(script.find("set title 'init=xavier · layer 4"), std::string::npos) << script;
  }
  // The spread of every variant at initialisation, a panel per activation.
  const std::vector<Block> spread = read_series(out / "activation_spread.dat");
  ASSERT_EQ(spread.size(), 4u);
  EXPECT_EQ(spread[0].label, "init=normal:1");
  EXPECT_EQ(spread[0].x, (std::vector<double>{2, 4}));
  const std::string md = read(out / "results.md");
  EXPECT_NE(md.find("(activation_histograms-activation-sigmoid.png)"), std::string::npos) << md;
  if (gnuplot_available()) {
    EXPECT_NE(md.find("[gradient_norms](<runs/"), std::string::npos) << md;
  }
  fs::remove_all(out);
}

TEST(DiagnosticsFigures, StepsChartsDrawHistogramOutlines) {
  const std::string dir = testing::temp_dir("diagfig_steps");
  Chart chart;
  chart.name = "hist";
  chart.style = Chart::Style::kSteps;
  chart.panel_x_ranges = true;
  chart.panels = {{"narrow", {{"a", {0, 0, 0.5, 1, 1}, {0, 0.2, 0.8, 0.8, 0}}}},
                  {"wide", {{"a", {0, 0, 50, 100, 100}, {0, 0.6, 0.4, 0.4, 0}}}}};
  render(chart, dir);
  const std::string script = read(fs::path(dir) / "hist.gp");
  EXPECT_NE(script.find("using 1:2 with steps lw 2"), std::string::npos) << script;
  // Each panel spans its own x-range.
  EXPECT_NE(script.find("set xrange [0:1]"), std::string::npos) << script;
  EXPECT_NE(script.find("set xrange [0:100]"), std::string::npos) << script;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scratchnet
