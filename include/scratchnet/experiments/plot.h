#pragma once
// Plots of experiments, rendered by gnuplot (Debian package gnuplot-nox).
//
// Every render() call writes two plain-text files into `dir` (created if
// missing) and then, when gnuplot is on PATH, runs it:
//   <name>.dat  the numbers: whitespace-separated columns, '#' comment lines
//               naming them, non-finite values written as NaN (gnuplot skips
//               them); several blocks are separated by two blank lines and
//               selected with `index i`
//   <name>.gp   a gnuplot script that writes <name>.png (800x500, pngcairo,
//               or png where cairo is missing) and <name>.svg (self-contained)
//               next to itself, whatever the working directory: it finds its
//               own folder from the path it was started with (ARG0)
// gnuplot runs without a shell (posix_spawn), with stdin from /dev/null and
// its output in <name>.gnuplot.log, which is removed when it rendered and
// printed nothing. Stale <name>.png/.svg files are removed before a run, so
// an image on disk always matches its data.
//
// Labels and titles may hold any text: they are written as gnuplot string
// expressions made of single-quoted pieces (no command substitution) and
// drawn without enhanced-text markup; line breaks are kept in titles and
// axis labels and turned into spaces elsewhere.
//
// Requires: `name` is a plain file stem (not empty, no '/', no leading '.').
// Malformed input (x and y of different lengths, a ragged heatmap, a grid of
// the wrong size) is a usage error. A missing gnuplot, or one that fails, is
// not an error: the result says so and how to render later.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

// One curve. An empty `x` numbers the points 1, 2, 3, ... (epochs). An
// outlier is drawn but left out of the y-range (unless nothing else has
// data): a diverged run, whose loss explodes, then leaves the plot at the
// top instead of flattening every other curve; its key entry (or its
// panel's title) says "off scale" when it does.
struct SCRATCHNET_API Series {
  std::string label;
  std::vector<double> x, y;
  bool outlier = false;
};

// One panel of small multiples (Chart::panels); `note`, when given, is
// written inside the panel at its top right.
struct SCRATCHNET_API Panel {
  std::string title;
  std::vector<Series> series;
  std::string note{};  // defaulted: Panel{title, series} stays valid
};

// Curves over a shared pair of axes (loss and accuracy curves, sweeps).
// Each series gets its own data block, so lengths may differ. On a log axis,
// non-positive values are skipped. With smooth > 1 each series of at least
// 4 * smooth points is also averaged over a centred window of `smooth`
// points (non-finite values left out): the smoothed curve is drawn in full
// colour with the raw one faint behind it, and its .dat block gains a third
// column y_smooth. Shorter series (validation points beside per-step
// losses) are drawn as they are.
//
// The y-range is set from the data (of a smoothed series, its moving
// average and the middle 98% of its raw values: a few faint spikes may
// leave the plot), with room above the top curve (8% of the data's span)
// and a little below. A line that others hide (at more
// than half of its points a series drawn after it passes within 1.2% of
// the y-range at the same x) is drawn on top of them, dashed, with open markers
// (its key entry too), so that it shows through: e.g. two optimizers whose
// losses fall alike.
//
// Small multiples: with `panels`, the chart is a grid of panels (`columns`
// a row) that share the axes' ranges (the x-range unless `panel_x_ranges`),
// labels, scales and style, each with
// its own title, and one key below them all; `series` must then be empty. A
// label names the same thing in every panel and keeps its colour (colours
// in order of first appearance). A panel lists in its title the series
// that have no data there ("no data: batch_norm=false").
struct SCRATCHNET_API Chart {
  std::string name;  // file stem: <dir>/<name>.dat/.gp/.png/.svg
  std::string title, x_label, y_label;
  bool log_x = false, log_y = false;
  // kSteps draws histograms: y[i] holds from x[i] to x[i + 1] (gnuplot's
  // `steps`), so a series of bin edges e0..en and counts c0..c(n-1) is
  // x = e0 e0 e1 .. e(n-1) en en, y = 0 c0 c1 .. c(n-1) c(n-1) 0.
  enum class Style { kLines, kPoints, kLinesPoints, kSteps } style = Style::kLines;
  std::vector<Series> series;
  std::size_t smooth = 0;  // moving-average window over y (0 or 1: none)
  bool whole_x = false;    // x counts something (epochs): no ticks between whole numbers
  std::vector<Panel> panels;  // small multiples instead of `series`
  std::size_t columns = 0;    // panels a row; 0: up to 3 (4 from 10 panels on)
  bool panel_x_ranges = false;  // each panel its own x-range (histograms over each layer's range)
};

// A matrix of values drawn as coloured cells (confusion matrices, grids of a
// hyperparameter search). values[row][col]; row 0 is drawn at the top. Tick
// lists are either empty (cells numbered from 0) or one label per column/row.
// With `annotate`, each cell shows its value. Non-finite cells are NaN.
struct SCRATCHNET_API Heatmap {
  std::string name, title, x_label, y_label;
  std::vector<std::string> x_ticks, y_ticks;
  std::vector<std::vector<double>> values;  // values[row][col]
  bool annotate = true;
};

// Decision regions of a 2-D classifier: a grid of predicted classes plus the
// data points coloured by class. The rectangle [x_min, x_max] x [y_min, y_max]
// is cut into grid_x columns and grid_y rows of equal cells; grid_class holds
// the class predicted at each cell's centre, row-major, row r covering
// y in [y_min + r*dy, y_min + (r+1)*dy] (row 0 at the bottom), column c
// likewise from x_min. Requires grid_x, grid_y >= 2, x_min < x_max,
// y_min < y_max, and px, py, pclass of one length. Classes without a name in
// class_names are called "class k".
struct SCRATCHNET_API RegionMap {
  std::string name, title;
  double x_min = 0, x_max = 1, y_min = 0, y_max = 1;
  std::size_t grid_x = 0, grid_y = 0;
  std::vector<int> grid_class;  // row-major, grid_y rows of grid_x cells
  std::vector<double> px, py;
  std::vector<int> pclass;
  std::vector<std::string> class_names;
  std::string x_label, y_label;  // the two features; may be empty
};

struct SCRATCHNET_API RenderResult {
  bool rendered = false;
  // Empty when rendered; otherwise what went wrong and how to render later,
  // e.g. "gnuplot not found on PATH: ... render with `gnuplot out/loss.gp`".
  std::string message;
};

SCRATCHNET_API RenderResult render(const Chart& chart, const std::string& dir);
SCRATCHNET_API RenderResult render(const Heatmap& map, const std::string& dir);
SCRATCHNET_API RenderResult render(const RegionMap& map, const std::string& dir);

// Whether an executable `gnuplot` is on PATH (searched directly, no shell).
SCRATCHNET_API bool gnuplot_available();

// Re-runs gnuplot on every .gp script in `dir`, in name order (for
// `scratchnet plot DIR`); returns how many rendered. `message` (may be null)
// receives what failed and why, or is cleared when all rendered. Throws a
// data error when `dir` is not a readable folder.
SCRATCHNET_API std::size_t rerender_all(const std::string& dir, std::string* message);

}  // namespace scratchnet
