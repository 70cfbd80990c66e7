// The figures and pages of a comparison: small multiples over a facet key
// (panel count and titles), the y-range's headroom, lines that others hide,
// the report's links to each run and its figures, and an end-to-end compare
// over two keys whose report states its conclusion first.

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/experiment_file.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/report.h"
#include "scratchnet/experiments/run_plots.h"
#include "support/chart_files.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

fs::path fresh_dir(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("scratchnet_figures_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read(const fs::path& path) { return testing::read_text(path.string()); }

std::size_t count(const std::string& text, const std::string& what) { return testing::count_of(text, what); }

// Every `<prefix>...<end>` in a text, the prefix and end included.
std::vector<std::string> all_of(const std::string& text, const std::string& prefix, char end) {
  std::vector<std::string> found;
  for (std::size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1))
    found.push_back(text.substr(at, text.find(end, at) + 1 - at));
  return found;
}

// The numbers of the first `<prefix>A<sep>B` in a text.
std::pair<double, double> pair_after(const std::string& text, const std::string& prefix, char sep) {
  const std::size_t at = text.find(prefix);
  if (at == std::string::npos) return {NAN, NAN};
  const std::size_t start = at + prefix.size(), middle = text.find(sep, start);
  return {std::stod(text.substr(start, middle - start)), std::stod(text.substr(middle + 1))};
}

// The batch-norm grid of seed 004: six weight scales, batch norm off and on.
const std::vector<Variation> kGrid = {
    {"model.init", {"normal:1", "normal:0.3", "normal:0.1", "normal:0.03", "normal:0.01", "normal:0.003"}},
    {"model.batch_norm", {"false", "true"}}};

TEST(Facets, OnePanelPerValueOfTheFirstKeyWithTheSecondAsCurves) {
  const std::vector<Facet> panels = facets(kGrid, "");
  ASSERT_EQ(panels.size(), 6u);
  EXPECT_EQ(panels[0].title, "init=normal:1");
  EXPECT_EQ(panels[5].title, "init=normal:0.003");
  for (std::size_t p = 0; p < panels.size(); ++p) {
    EXPECT_EQ(panels[p].labels, (std::vector<std::string>{"batch_norm=false", "batch_norm=true"}));
    // cartesian_product varies the first key slowest.
    EXPECT_EQ(panels[p].variants, (std::vector<std::size_t>{2 * p, 2 * p + 1}));
  }
}

TEST(Facets, TheFacetKeyCanBeChosenOrTurnedOff) {
  const std::vector<Facet> by_norm = facets(kGrid, "model.batch_norm");
  ASSERT_EQ(by_norm.size(), 2u);
  EXPECT_EQ(by_norm[1].title, "batch_norm=true");
  ASSERT_EQ(by_norm[1].labels.size(), 6u);
  EXPECT_EQ(by_norm[1].labels[2], "init=normal:0.1");
  EXPECT_EQ(by_norm[1].variants[2], 5u);
  EXPECT_TRUE(facets(kGrid, "none").empty());
  EXPECT_TRUE(facets({kGrid[0]}, "").empty());  // one varied key: one chart
  try {
    facets(kGrid, "train.optimizer");
    FAIL() << "a key that is not varied must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("model.init, model.batch_norm"), std::string::npos) << e.what();
  }
}

TEST(Facets, ExperimentFilesNameTheirFacet) {
  const fs::path dir = fresh_dir("spec");
  std::ofstream(dir / "grid.toml") << "[experiment]\nkind = \"compare\"\nfacet = \"model.batch_norm\"\n";
  EXPECT_EQ(load_experiment_spec((dir / "grid.toml").string()).facet, "model.batch_norm");
  std::ofstream(dir / "bad.toml") << "[experiment]\nfacet = 3\n";
  EXPECT_THROW(load_experiment_spec((dir / "bad.toml").string()), Error);
  fs::remove_all(dir);
}

Chart grid_chart() {
  Chart chart;
  chart.name = "grid";
  chart.title = "test accuracy per epoch";
  chart.x_label = "epoch";
  chart.y_label = "test accuracy";
  chart.whole_x = true;
  for (const Facet& facet : facets(kGrid, "")) {
    Panel panel{facet.title, {}};
    for (std::size_t k = 0; k < facet.labels.size(); ++k)
      panel.series.push_back({facet.labels[k], {}, {0.1, 0.3 + 0.1 * static_cast<double>(k), 0.6}});
    chart.panels.push_back(panel);
  }
  chart.panels[0].series[0].y.clear();  // diverged
  return chart;
}

TEST(SmallMultiples, PanelsWithTheirTitlesAndOneKey) {
  const fs::path dir = fresh_dir("panels");
  const RenderResult result = render(grid_chart(), dir.string());
  const std::string script = read(dir / "grid.gp");
  // Drawn twice (PNG, then SVG), each time 6 panels and the key.
  EXPECT_EQ(count(script, "\nset multiplot"), 2u);
  EXPECT_EQ(count(script, "\nplot "), 2u * 7u);
  const std::vector<std::string> titles = {"init=normal:1 (no data: batch_norm=false)", "init=normal:0.3",
                                           "init=normal:0.1", "init=normal:0.03", "init=normal:0.01",
                                           "init=normal:0.003"};
  std::size_t at = 0;
  for (const std::string& title : titles) {
    at = script.find("set title '" + title + "' font", at);
    EXPECT_NE(at, std::string::npos) << title;
  }
  // One y-range for every panel; the key names each curve once.
  const std::vector<std::string> all_ranges = all_of(script, "set yrange [", ']');
  const std::set<std::string> ranges(all_ranges.begin(), all_ranges.end());
  EXPECT_EQ(ranges.size(), 2u);  // the panels' and the key strip's [0:1]
  EXPECT_EQ(count(script, "title 'batch_norm=true'"), 2u);
  EXPECT_EQ(count(script, "title 'batch_norm=false'"), 2u);
  // 11 series with data, one empty block kept for the diverged one.
  EXPECT_EQ(count(read(dir / "grid.dat"), "# series "), 12u);
  if (gnuplot_available()) {
    EXPECT_TRUE(result.rendered) << result.message;
    EXPECT_GT(fs::file_size(dir / "grid.png"), 5000u);
    EXPECT_NE(read(dir / "grid.svg").find("init=normal:0.003"), std::string::npos);
  }
  Chart both = grid_chart();
  both.series.push_back({"stray", {}, {1}});
  EXPECT_THROW(render(both, dir.string()), Error);
  fs::remove_all(dir);
}

TEST(SmallMultiples, ColumnsCanBeChosen) {
  const fs::path dir = fresh_dir("columns");
  Chart chart = grid_chart();
  chart.columns = 2;  // 3 rows of 2
  render(chart, dir.string());
  const std::string two = read(dir / "grid.gp");
  chart.columns = 0;  // 2 rows of 3
  render(chart, dir.string());
  const std::string three = read(dir / "grid.gp");
  // The image's size follows the grid: taller for 3 rows than for 2.
  const auto [two_width, two_height] = pair_after(two, "size ", ',');
  const auto [three_width, three_height] = pair_after(three, "size ", ',');
  EXPECT_GT(two_height, three_height);
  EXPECT_LT(two_width, three_width);
  fs::remove_all(dir);
}

// The y-range of a chart's script: [low, high].
std::pair<double, double> y_range_of(const std::string& script) {
  return pair_after(script, "set yrange [", ':');
}

TEST(Chart, TheYRangeLeavesRoomAboveTheTopCurve) {
  const fs::path dir = fresh_dir("range");
  Chart chart;
  chart.name = "acc";
  chart.series = {{"a", {}, {0.2, 0.5, 0.9}}, {"b", {}, {0.1, 0.4, 0.85}}};
  render(chart, dir.string());
  const auto [low, high] = y_range_of(read(dir / "acc.gp"));
  EXPECT_GE(high, 0.9 + 0.05 * 0.8);  // at least 5% of the span above the top value
  EXPECT_LT(low, 0.1);
  EXPECT_GT(low, 0.1 - 0.05 * 0.8);
  // On a log axis the room is in decades: the top value times a factor.
  chart.log_y = true;
  chart.series = {{"loss", {}, {10, 1, 0.1}}};
  render(chart, dir.string());
  const auto [log_low, log_high] = y_range_of(read(dir / "acc.gp"));
  EXPECT_GT(log_high, 10 * std::pow(10, 0.05 * 2));
  EXPECT_GT(log_low, 0);
  EXPECT_LT(log_low, 0.1);
  fs::remove_all(dir);
}

TEST(Chart, ADivergedRunLeavesThePlotInsteadOfSettingItsRange) {
  const fs::path dir = fresh_dir("outlier");
  Chart chart;
  chart.name = "loss";
  chart.series = {{"sgd", {}, {2.3, 1.0, 0.5}}, {"diverged", {}, {2.3, 1e5, 1e20}, true}};
  render(chart, dir.string());
  std::string script = read(dir / "loss.gp");
  EXPECT_LT(y_range_of(script).second, 3);
  EXPECT_NE(script.find("title 'diverged'.' (off scale)'"), std::string::npos) << script;
  // In panels the panel's title says so.
  chart.series.clear();
  chart.panels = {{"lr=0.1", {{"sgd", {}, {2.3, 1.0, 0.5}}, {"adam", {}, {2.3, 1e5, 1e20}, true}}},
                  {"lr=0.01", {{"sgd", {}, {2.3, 2.0, 1.5}}, {"adam", {}, {2.3, 1.5, 1.0}}}}};
  render(chart, dir.string());
  script = read(dir / "loss.gp");
  EXPECT_LT(y_range_of(script).second, 3);
  EXPECT_NE(script.find("set title 'lr=0.1 (off scale: adam)' font"), std::string::npos) << script;
  // Only outliers: they set the range after all.
  chart.panels.clear();
  chart.series = {{"diverged", {}, {2.3, 1e5}, true}};
  render(chart, dir.string());
  EXPECT_GT(y_range_of(read(dir / "loss.gp")).second, 1e5);
  fs::remove_all(dir);
}

TEST(Chart, AHiddenLineIsDrawnOnTopDashedWithMarkers) {
  const fs::path dir = fresh_dir("hidden");
  Chart chart;
  chart.name = "losses";
  std::vector<double> falling, other;
  for (int i = 0; i < 40; ++i) {
    falling.push_back(2.0 / (1 + i));
    other.push_back(3.0 - 0.05 * i);
  }
  std::vector<double> close = falling;
  for (double& v : close) v += 0.001;  // under a line's width of the other
  chart.series = {{"momentum", {}, falling}, {"sgd", {}, other}, {"adam", {}, close}};
  render(chart, dir.string());
  const std::string script = read(dir / "losses.gp");
  // momentum (drawn first, under adam) moves on top: its key entry stays in
  // place with the dashed style and a marker, its line and markers come last.
  EXPECT_NE(script.find("keyentry with linespoints lw 2 dt 2 pt 6 ps 0.9 lc rgb '#1f77b4' title 'momentum'"),
            std::string::npos)
      << script;
  const std::size_t momentum_line = script.find("index 0 using 1:2 with lines lw 2 dt 2 lc rgb '#1f77b4'");
  const std::size_t momentum_marks = script.find("index 0 using 1:2 every 3::0 with points pt 6");
  const std::size_t adam = script.find("index 2 using 1:2 with lines lw 2 dt 1 lc rgb '#2ca02c' title 'adam'");
  ASSERT_NE(momentum_line, std::string::npos) << script;
  ASSERT_NE(momentum_marks, std::string::npos) << script;
  ASSERT_NE(adam, std::string::npos) << script;
  EXPECT_GT(momentum_line, adam);
  EXPECT_GT(momentum_marks, adam);
  // The others stay as they are: adam hides nothing drawn after it, sgd is apart.
  EXPECT_NE(script.find("index 1 using 1:2 with lines lw 2 dt 1 lc rgb '#ff7f0e' title 'sgd'"), std::string::npos);
  EXPECT_EQ(count(script, "keyentry"), 1u);
  fs::remove_all(dir);
}

TEST(Chart, LinesThatMeetAtOnePointHideNothing) {
  const fs::path dir = fresh_dir("meet");
  Chart chart;
  chart.name = "fan";
  chart.series = {{"a", {}, {0.1, 0.5, 0.6, 0.7}}, {"b", {}, {0.1, 0.2, 0.3, 0.4}}};
  render(chart, dir.string());
  EXPECT_EQ(read(dir / "fan.gp").find("keyentry"), std::string::npos);
  fs::remove_all(dir);
}

TEST(Report, LinksToRunsAndTheirFigures) {
  const fs::path dir = fresh_dir("links");
  ReportSection lead{"", "adam is best.", {}, {}, {}};
  ReportSection runs{"Runs", "", {}, {}, {}};
  runs.links = {{"optimizer=adam", {{"run folder", "runs/optimizer-adam/"}, {"learning_curves", "runs/a b/x.png"}}},
                {"bad", {{"click", "javascript:alert(1)"}, {"web", "https://example.com/x"}}}};
  write_report(dir.string(), "links", {lead, {"Results", "", {}, {}, {}}, runs});
  const std::string html = read(dir / "report.html");
  EXPECT_NE(html.find("<li>optimizer=adam: <a href=\"runs/optimizer-adam/\">run folder</a> · "
                      "<a href=\"runs/a b/x.png\">learning_curves</a></li>"),
            std::string::npos)
      << html;
  EXPECT_EQ(html.find("javascript:"), std::string::npos);
  EXPECT_EQ(html.find("href=\"https"), std::string::npos);
  EXPECT_NE(html.find("<li>bad: click · web</li>"), std::string::npos);
  // The lead paragraph comes first and is not listed in the contents.
  EXPECT_LT(html.find("adam is best."), html.find("<section id=\"section-2\">"));
  EXPECT_EQ(html.find("<nav>"), std::string::npos);  // two headed sections: no contents
  EXPECT_EQ(markdown_links(runs.links),
            "- optimizer=adam: [run folder](<runs/optimizer-adam/>) · [learning_curves](<runs/a b/x.png>)\n"
            "- bad: click · web\n");
  fs::remove_all(dir);
}

TEST(Report, RunFiguresKnownOnesFirstThenTheRest) {
  const fs::path dir = fresh_dir("figures");
  for (const char* f : {"loss_curves.png", "activation_histograms.png", "learning_curves.png",
                        "gradient_norms.png", "learning_curves.svg", "metrics.csv"})
    std::ofstream(dir / f) << "x";
  EXPECT_EQ(run_figure_files(dir.string()),
            (std::vector<std::string>{"learning_curves.png", "loss_curves.png", "activation_histograms.png",
                                      "gradient_norms.png"}));
  EXPECT_TRUE(run_figure_files((dir / "missing").string()).empty());
  fs::remove_all(dir);
}

TEST(Compare, TwoKeysGivePanelsAndAReportThatConcludes) {
  TrainConfig base;
  base.data = "digits";
  base.layers = {16};
  base.epochs = 2;
  CompareOptions options;
  options.vary = {parse_variation("train.optimizer=sgd,adam"), parse_variation("train.lr=0.01,0.001")};
  options.repeats = 2;
  options.out = fresh_dir("compare2").string();
  run_compare(base, options, nullptr);
  const fs::path out = options.out;
  const std::string script = read(out / "test_accuracy.gp");
  EXPECT_EQ(count(script, "\nset multiplot"), 2u);
  EXPECT_NE(script.find("set title 'optimizer=sgd' font"), std::string::npos);
  EXPECT_NE(script.find("set title 'optimizer=adam' font"), std::string::npos);
  EXPECT_NE(script.find("title 'lr=0.001'"), std::string::npos);
  // Learning curves: one panel per variant with train and test.
  const std::string learning = read(out / "learning_curves.gp");
  EXPECT_NE(learning.find("set title 'optimizer=adam lr=0.001' font"), std::string::npos);
  EXPECT_NE(learning.find("title 'train (running mean)'"), std::string::npos);  // train.train_metrics running
  EXPECT_NE(learning.find("title 'test'"), std::string::npos);
  // results.md: the conclusion first, with the number of repeats, then the tables.
  const std::string md = read(out / "results.md");
  const std::size_t sentence = md.find(" test accuracy (");
  ASSERT_NE(sentence, std::string::npos) << md;
  EXPECT_LT(sentence, md.find("| train.optimizer |"));
  EXPECT_NE(md.find("2 repeats"), std::string::npos) << md;
  EXPECT_NE(md.find("Difference to the best variant"), std::string::npos);
  EXPECT_NE(md.find("[summary.json](<runs/optimizer-adam_lr-0.001/repeat-1/summary.json>)"), std::string::npos)
      << md;
  const std::string html = read(out / "report.html");
  EXPECT_LT(html.find(" test accuracy ("), html.find("<table>"));
  EXPECT_NE(html.find("<a href=\"runs/optimizer-sgd_lr-0.01/\">run folder</a>"), std::string::npos);
  fs::remove_all(out);
  options.facet = "train.momentum";
  EXPECT_THROW(run_compare(base, options, nullptr), Error);
  EXPECT_FALSE(fs::exists(out / "runs"));  // refused before any run
}

}  // namespace
}  // namespace scratchnet
