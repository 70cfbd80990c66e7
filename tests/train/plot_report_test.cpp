// Plots and reports (src/experiments): the .dat files hold the numbers, the
// .gp scripts render with gnuplot (PNG and SVG) whatever the labels say and
// wherever they are run from, a missing gnuplot leaves the script and a
// message on how to render, and report.html is escaped and self-contained.
// Checks of rendered images are skipped where gnuplot is not installed.

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/report.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// A fresh folder for one test, removed afterwards.
class TempDir {
 public:
  explicit TempDir(const std::string& tag)
      : path_(fs::temp_directory_path() /
              ("scratchnet_plot_" + tag + "_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str() const { return path_.string(); }

 private:
  fs::path path_;
};

// Sets PATH for the lifetime of the object.
class ScopedPath {
 public:
  explicit ScopedPath(const std::string& value) {
    if (const char* old = std::getenv("PATH")) old_ = old;
    ::setenv("PATH", value.c_str(), 1);
  }
  ~ScopedPath() {
    if (old_) {
      ::setenv("PATH", old_->c_str(), 1);
    } else {
      ::unsetenv("PATH");
    }
  }

 private:
  std::optional<std::string> old_;
};

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// A .dat file as blocks (split by two blank lines) of rows of numbers;
// comment lines and single blank lines are skipped.
using Block = std::vector<std::vector<double>>;
std::vector<Block> read_blocks(const fs::path& path) {
  std::ifstream in(path);
  std::vector<Block> blocks(1);
  std::string line;
  int blank = 0;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (++blank == 2) blocks.emplace_back();
      continue;
    }
    blank = 0;
    if (line[0] == '#') continue;
    std::istringstream fields(line);
    std::vector<double> row;
    std::string token;
    while (fields >> token) row.push_back(std::strtod(token.c_str(), nullptr));
    blocks.back().push_back(row);
  }
  return blocks;
}

bool is_png(const fs::path& path) {
  const std::string bytes = read(path);
  return bytes.size() > 8 && bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0;
}

// Checks that <dir>/<name>.png and .svg were rendered.
void expect_images(const fs::path& dir, const std::string& name) {
  EXPECT_TRUE(is_png(dir / (name + ".png"))) << name;
  EXPECT_NE(read(dir / (name + ".svg")).find("<svg"), std::string::npos) << name;
}

Chart two_series_chart() {
  Chart chart;
  chart.name = "loss";
  chart.title = "Training loss";
  chart.x_label = "epoch";
  chart.y_label = "loss";
  chart.series = {{"train", {1, 2, 3, 4, 5}, {1.0, 0.5, NAN, 0.25, 0.125}},
                  {"validation", {}, {2.0, 1.5, INFINITY}}};
  return chart;
}

TEST(Plot, DataFileHoldsEverySeriesAsABlock) {
  TempDir dir("data");
  const RenderResult result = render(two_series_chart(), dir.str());
  const std::vector<Block> blocks = read_blocks(dir.path() / "loss.dat");
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_EQ(blocks[0].size(), 5u);
  ASSERT_EQ(blocks[1].size(), 3u);
  EXPECT_EQ(blocks[0][1], (std::vector<double>{2, 0.5}));
  EXPECT_EQ(blocks[0][4], (std::vector<double>{5, 0.125}));
  EXPECT_TRUE(std::isnan(blocks[0][2][1]));                // NaN written as NaN
  EXPECT_EQ(blocks[1][0], (std::vector<double>{1, 2.0}));  // empty x: numbered from 1
  EXPECT_TRUE(std::isnan(blocks[1][2][1]));                // inf written as NaN
  EXPECT_NE(read(dir.path() / "loss.dat").find("NaN"), std::string::npos);
  const std::string script = read(dir.path() / "loss.gp");
  EXPECT_NE(script.find("index 0"), std::string::npos);
  EXPECT_NE(script.find("index 1"), std::string::npos);
  EXPECT_NE(script.find("'loss.png'"), std::string::npos);
  EXPECT_NE(script.find("'loss.svg'"), std::string::npos);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed: " << result.message;
  EXPECT_TRUE(result.rendered) << result.message;
  EXPECT_EQ(result.message, "");
  expect_images(dir.path(), "loss");
  EXPECT_FALSE(fs::exists(dir.path() / "loss.gnuplot.log"));
}

TEST(Plot, SmoothingAddsACentredMovingAverage) {
  TempDir dir("smooth");
  Chart chart;
  chart.name = "noisy";
  chart.smooth = 3;
  chart.series = {{"batch loss", {}, {1, 2, 3, 4, 100, NAN, 5, 5, 5, 5, 5, 5}},
                  {"epoch loss", {}, {3, 2, 1}}};
  const RenderResult result = render(chart, dir.str());
  const std::vector<Block> blocks = read_blocks(dir.path() / "noisy.dat");
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_EQ(blocks[0].size(), 12u);
  // Window [i-1, i+1], cut at the ends, NaN left out.
  const std::vector<double> expected = {1.5, 2, 3, 107.0 / 3, 52, 52.5, 5, 5, 5, 5, 5, 5};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    ASSERT_EQ(blocks[0][i].size(), 3u);
    EXPECT_NEAR(blocks[0][i][2], expected[i], 1e-12) << i;
  }
  // A series shorter than 4 windows stays as it is.
  ASSERT_EQ(blocks[1].size(), 3u);
  EXPECT_EQ(blocks[1][0].size(), 2u);
  // The raw curve is drawn too (faint), behind the smoothed one.
  const std::string script = read(dir.path() / "noisy.gp");
  EXPECT_NE(script.find("index 0 using 1:2 "), std::string::npos);
  EXPECT_NE(script.find("index 0 using 1:3 "), std::string::npos);
  EXPECT_NE(script.find("index 1 using 1:2 "), std::string::npos);
  EXPECT_EQ(script.find("index 1 using 1:3 "), std::string::npos);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
  expect_images(dir.path(), "noisy");
}

TEST(Plot, LogAxesSkipNonPositiveValues) {
  TempDir dir("log");
  Chart chart;
  chart.name = "lr";
  chart.log_x = chart.log_y = true;
  chart.style = Chart::Style::kLinesPoints;
  chart.series = {{"sweep", {1e-4, 1e-3, 0, 1e-1}, {0.9, -1, 0.5, 0.01}},
                  {"all non-positive", {1, 2}, {0, -3}}};
  const RenderResult result = render(chart, dir.str());
  const std::string script = read(dir.path() / "lr.gp");
  EXPECT_NE(script.find("set logscale x"), std::string::npos);
  EXPECT_NE(script.find("(($2>0)?$2:NaN)"), std::string::npos);
  EXPECT_NE(script.find("(no data)"), std::string::npos);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
  expect_images(dir.path(), "lr");
}

TEST(Plot, EpochAxesTickWholeNumbersOnly) {
  TempDir dir("epochs");
  Chart chart;
  chart.whole_x = true;
  chart.name = "few";
  chart.series = {{"five epochs", {}, {0.8, 0.85, 0.86, 0.88, 0.89}}};
  render(chart, dir.str());
  EXPECT_NE(read(dir.path() / "few.gp").find("set xtics 1\n"), std::string::npos);
  // Over 100 epochs gnuplot's own ticks (0, 20, 40, ...) are whole already.
  chart.name = "many";
  chart.series = {{"100 epochs", {}, std::vector<double>(100, 0.5)}};
  render(chart, dir.str());
  EXPECT_EQ(read(dir.path() / "many.gp").find("set xtics 1\n"), std::string::npos);
}

TEST(Plot, ManySeriesGetDashesAndRoomForTheirKey) {
  TempDir dir("many");
  Chart chart;
  chart.name = "grid";
  for (int i = 0; i < 12; ++i)
    chart.series.push_back({fmt::format("init=normal:{} batch_norm=true", i), {1, 2}, {0.1, 0.2 * i}});
  render(chart, dir.str());
  const std::string script = read(dir.path() / "grid.gp");
  // Series 11 and 12 reuse the first two colours, dashed.
  EXPECT_NE(script.find("dt 1 lc rgb '#1f77b4' title 'init=normal:0 "), std::string::npos);
  EXPECT_NE(script.find("dt 2 lc rgb '#1f77b4' title 'init=normal:10 "), std::string::npos);
  // One entry per row of the key: 12 rows, 10 more than the default 500 px hold.
  EXPECT_NE(script.find("size 800,680"), std::string::npos);
  chart.name = "few";
  chart.series.resize(2);
  render(chart, dir.str());
  EXPECT_NE(read(dir.path() / "few.gp").find("size 800,500"), std::string::npos);
}

TEST(Plot, AnEmptySeriesKeepsItsDataBlockSoLaterSeriesKeepTheirLabels) {
  TempDir dir("gap");
  Chart chart;
  chart.name = "gap";
  chart.series = {{"diverged", {}, {}}, {"second", {}, {0.5, 0.6}}, {"third", {}, {0.7, 0.8}}};
  render(chart, dir.str());
  // Every block separated by two blank lines has a line that is not a comment.
  const std::string data = read(dir.path() / "gap.dat");
  std::size_t blocks = 0, start = 0;
  while (start <= data.size()) {
    const std::size_t end = std::min(data.find("\n\n\n", start), data.size());
    const std::string block = data.substr(start, end - start);
    bool has_data = false;
    std::size_t line = 0;
    while (line < block.size()) {
      const std::size_t next = std::min(block.find('\n', line), block.size());
      if (next > line && block[line] != '#') has_data = true;
      line = next + 1;
    }
    EXPECT_TRUE(has_data) << "block " << blocks << ": " << block;
    ++blocks;
    start = end + 3;
  }
  EXPECT_EQ(blocks, 3u);
  EXPECT_NE(read(dir.path() / "gap.gp").find("index 2 using 1:2 with lines lw 2 dt 1 lc rgb '#2ca02c' title 'third'"),
            std::string::npos);
}

TEST(Plot, ChartWithoutDataStillRenders) {
  TempDir dir("empty");
  Chart chart;
  chart.name = "nothing";
  chart.series = {{"empty", {}, {}}};
  const RenderResult result = render(chart, dir.str());
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
}

TEST(Plot, QuotesAndSpecialCharactersInLabelsAreSafe) {
  TempDir dir("labels");
  const fs::path injected = dir.path() / "injected";
  Chart chart;
  chart.name = "odd labels";
  chart.title = "it's \"quoted\"\nsecond line \\ back\\slash @foo $1 %d {x}^2_y & <b>";
  chart.x_label = "`touch " + injected.string() + "`";
  chart.y_label = "'; system('touch " + injected.string() + "'); '";
  chart.series = {{"a'b\"c\\", {1, 2}, {1, 2}},
                  {"µ ± σ\t`x`", {1, 2}, {2, 1}},
                  {"x\"y @foo `touch " + injected.string() + "`", {1, 2}, {0, 1}}};
  const RenderResult result = render(chart, dir.str());
  EXPECT_TRUE(fs::exists(dir.path() / "odd labels.gp"));
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
  expect_images(dir.path(), "odd labels");
  EXPECT_FALSE(fs::exists(injected)) << "a label ran a command";
  const std::string svg = read(dir.path() / "odd labels.svg");
  EXPECT_NE(svg.find("µ ± σ"), std::string::npos);
  EXPECT_NE(svg.find("back\\slash @foo $1 %d {x}^2_y &amp; &lt;b>"), std::string::npos);
  EXPECT_NE(svg.find("x\"y @foo `touch"), std::string::npos);
}

TEST(Plot, MissingGnuplotLeavesTheScriptAndSaysHowToRender) {
  TempDir dir("missing");
  TempDir empty_bin("empty_bin");
  const bool installed = gnuplot_available();
  RenderResult result;
  {
    ScopedPath path(empty_bin.str());
    EXPECT_FALSE(gnuplot_available());
    result = render(two_series_chart(), dir.str());
    std::string message;
    EXPECT_EQ(rerender_all(dir.str(), &message), 0u);
    EXPECT_NE(message.find("gnuplot not found"), std::string::npos) << message;
  }
  EXPECT_FALSE(result.rendered);
  EXPECT_NE(result.message.find("gnuplot not found"), std::string::npos) << result.message;
  EXPECT_NE(result.message.find("`gnuplot " + (dir.path() / "loss.gp").string() + "`"),
            std::string::npos)
      << result.message;
  EXPECT_TRUE(fs::exists(dir.path() / "loss.gp"));
  EXPECT_TRUE(fs::exists(dir.path() / "loss.dat"));
  EXPECT_FALSE(fs::exists(dir.path() / "loss.png"));
  if (!installed) GTEST_SKIP() << "gnuplot not installed";
  // Rendering later, as the message says.
  std::string message = "unchanged";
  EXPECT_EQ(rerender_all(dir.str(), &message), 1u);
  EXPECT_EQ(message, "");
  expect_images(dir.path(), "loss");
}

TEST(Plot, ScriptWritesNextToItselfAfterTheFolderMoves) {
  TempDir dir("moved");
  ASSERT_NO_THROW(render(two_series_chart(), (dir.path() / "before").string()));
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  fs::rename(dir.path() / "before", dir.path() / "after");
  fs::remove(dir.path() / "after" / "loss.png");
  fs::remove(dir.path() / "after" / "loss.svg");
  // A relative path from another working directory: gnuplot gets it as ARG0.
  std::string message;
  std::size_t rendered = 0;
  {
    struct RestoreCwd {
      fs::path cwd = fs::current_path();
      ~RestoreCwd() { fs::current_path(cwd); }
    } restore;
    fs::current_path(dir.path());
    rendered = rerender_all("after", &message);
  }
  EXPECT_EQ(rendered, 1u) << message;
  expect_images(dir.path() / "after", "loss");
  EXPECT_FALSE(fs::exists(dir.path() / "before"));
}

TEST(Plot, HeatmapCellsAndTicks) {
  TempDir dir("heatmap");
  Heatmap map;
  map.name = "confusion";
  map.title = "Confusion matrix";
  map.x_label = "predicted";
  map.y_label = "true";
  map.x_ticks = {"cat's", "do\"g", "bird & co"};
  map.y_ticks = {"a", "b"};
  map.values = {{12, 0.5, NAN}, {3, 1e10, -2}};
  const RenderResult result = render(map, dir.str());
  const std::vector<Block> blocks = read_blocks(dir.path() / "confusion.dat");
  ASSERT_EQ(blocks.size(), 1u);
  ASSERT_EQ(blocks[0].size(), 6u);
  EXPECT_EQ(blocks[0][0], (std::vector<double>{0, 0, 12, 12}));  // col row value label
  EXPECT_EQ(blocks[0][4], (std::vector<double>{1, 1, 1e10, 1e10}));
  EXPECT_EQ(blocks[0][5], (std::vector<double>{2, 1, -2, -2}));
  EXPECT_TRUE(std::isnan(blocks[0][2][2]));
  EXPECT_NE(read(dir.path() / "confusion.gp").find("'cat'.sprintf('%c',39).'s' 0"),
            std::string::npos);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
  expect_images(dir.path(), "confusion");

  Heatmap one = map;
  one.name = "one";
  one.x_ticks = one.y_ticks = {};
  one.values = {{7}};
  EXPECT_TRUE(render(one, dir.str()).rendered);
}

TEST(Plot, RegionMapGridAndPoints) {
  TempDir dir("regions");
  RegionMap map;
  map.name = "regions";
  map.title = "Decision regions";
  map.x_min = -1, map.x_max = 1, map.y_min = 0, map.y_max = 3;
  map.grid_x = 2, map.grid_y = 3;
  map.grid_class = {0, 1, 0, 1, 2, 2};
  map.px = {-0.5, 0.5, 0.1};
  map.py = {0.5, 2.5, 1.5};
  map.pclass = {0, 2, 1};
  map.class_names = {"setosa", "versi'color"};
  const RenderResult result = render(map, dir.str());
  const std::vector<Block> blocks = read_blocks(dir.path() / "regions.dat");
  ASSERT_EQ(blocks.size(), 2u);
  ASSERT_EQ(blocks[0].size(), 6u);
  ASSERT_EQ(blocks[1].size(), 3u);
  // Cell centres, row-major from (x_min, y_min); then the class.
  EXPECT_EQ(blocks[0][0][0], -0.5);
  EXPECT_EQ(blocks[0][0][1], 0.5);
  EXPECT_EQ(blocks[0][1][0], 0.5);
  EXPECT_EQ(blocks[0][5][1], 2.5);
  EXPECT_EQ(blocks[0][4][2], 2);
  EXPECT_EQ(blocks[1][2], (std::vector<double>{0.1, 1.5, 1, 0xff7f0e}));
  const std::string script = read(dir.path() / "regions.gp");
  EXPECT_NE(script.find("title 'class 2'"), std::string::npos);
  if (!gnuplot_available()) GTEST_SKIP() << "gnuplot not installed";
  EXPECT_TRUE(result.rendered) << result.message;
  expect_images(dir.path(), "regions");
}

TEST(Plot, MalformedInputIsAUsageError) {
  TempDir dir("bad");
  auto kind_of = [](auto&& call) {
    try {
      call();
    } catch (const Error& e) {
      return e.kind();
    }
    return ErrorKind::kInternal;
  };
  Chart chart = two_series_chart();
  chart.name = "../escape";
  EXPECT_EQ(kind_of([&] { render(chart, dir.str()); }), ErrorKind::kUsage);
  chart.name = "ok";
  chart.series[0].x.pop_back();
  EXPECT_EQ(kind_of([&] { render(chart, dir.str()); }), ErrorKind::kUsage);
  Heatmap map;
  map.name = "ragged";
  map.values = {{1, 2}, {3}};
  EXPECT_EQ(kind_of([&] { render(map, dir.str()); }), ErrorKind::kUsage);
  RegionMap regions;
  regions.name = "regions";
  regions.grid_x = regions.grid_y = 2;
  regions.grid_class = {0, 1, 0};
  EXPECT_EQ(kind_of([&] { render(regions, dir.str()); }), ErrorKind::kUsage);
}

// A small SVG as gnuplot writes them: prolog, doctype, ids and references.
constexpr const char* kSvg =
    "<?xml version=\"1.0\" encoding=\"utf-8\"  standalone=\"no\"?>\n"
    "<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" "
    "\"http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd\">\n"
    "<svg width=\"80\" height=\"50\" viewBox=\"0 0 80 50\" xmlns=\"http://www.w3.org/2000/svg\"\n"
    " xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n"
    "<defs><circle id='gpPt0' r='1'/></defs>\n"
    "<use xlink:href='#gpPt0' x='3' y='4'/>\n"
    "</svg>\n";

// Every "http" in `html` is an xmlns namespace of an inlined SVG.
void expect_only_namespace_urls(const std::string& html) {
  for (std::size_t at = html.find("http"); at != std::string::npos;
       at = html.find("http", at + 1)) {
    const std::size_t attribute = html.rfind("xmlns", at);
    ASSERT_NE(attribute, std::string::npos) << html.substr(at, 60);
    const std::string between = html.substr(attribute, at - attribute);
    EXPECT_TRUE(between == "xmlns=\"" || between == "xmlns:xlink=\"") << html.substr(at, 60);
  }
}

TEST(Report, HtmlIsEscapedAndSelfContained) {
  TempDir dir("report");
  { std::ofstream(dir.path() / "hand.svg") << kSvg; }
  ReportSection results;
  results.heading = "Results <1>";
  results.text = "Adam & SGD compared.\n\nSecond paragraph.";
  results.tables = {
      {"Accuracy \"test\"", {"optimizer", "acc"}, {{"<b>adam</b>", "0.97"}, {"sgd"}}}};
  results.svg_files = {"hand.svg", "missing.svg"};
  std::vector<ReportSection> sections = {results};
  if (gnuplot_available()) {
    ASSERT_TRUE(render(two_series_chart(), dir.str()).rendered);
    ReportSection curves;
    curves.heading = "Curves";
    curves.svg_files = {(dir.path() / "loss.svg").string()};
    sections.push_back(curves);
  }
  write_report(dir.str(), "Experiment: a < b", sections);
  const std::string html = read(dir.path() / "report.html");
  EXPECT_NE(html.find("<title>Experiment: a &lt; b</title>"), std::string::npos);
  EXPECT_NE(html.find("Results &lt;1&gt;"), std::string::npos);
  EXPECT_NE(html.find("Adam &amp; SGD"), std::string::npos);
  EXPECT_NE(html.find("Accuracy &quot;test&quot;"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;adam&lt;/b&gt;"), std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">0.97</td>"), std::string::npos);
  EXPECT_EQ(html.find("<b>adam"), std::string::npos);
  // The SVG is inlined without its prolog, its ids prefixed.
  EXPECT_NE(html.find("<svg width=\"80\""), std::string::npos);
  EXPECT_NE(html.find("id='p1-gpPt0'"), std::string::npos);
  EXPECT_NE(html.find("href='#p1-gpPt0'"), std::string::npos);
  EXPECT_EQ(html.find("<?xml"), std::string::npos);
  EXPECT_EQ(html.find("<!DOCTYPE svg"), std::string::npos);
  EXPECT_NE(html.find("missing.svg</code> was not rendered"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("src="), std::string::npos);
  expect_only_namespace_urls(html);
  if (sections.size() > 1) {
    EXPECT_NE(html.find("id=\"p3-gnuplot_canvas\""), std::string::npos);
  }
}

TEST(Report, MarkdownTable) {
  const ReportTable table{"Runs", {"name", "acc", "note"}, {{"a|b", "0.5", "x<y"}, {"c", "1e-3"}}};
  EXPECT_EQ(markdown_table(table),
            "**Runs**\n\n"
            "| name | acc | note |\n"
            "| --- | ---: | --- |\n"
            "| a\\|b | 0.5 | x&lt;y |\n"
            "| c | 1e-3 |  |\n");
}

}  // namespace
}  // namespace scratchnet
