// Line charts of plot.h: one set of axes, or small multiples (a grid of
// panels sharing their axes) drawn with gnuplot's multiplot.

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include <fmt/format.h>

#include "gnuplot_script.h"
#include "scratchnet/core/error.h"
#include "scratchnet/experiments/plot.h"

namespace scratchnet {
namespace {

using namespace plot_detail;

// Room above the top curve and below the lowest, as shares of the data's span.
constexpr double kHeadroom = 0.08, kFootroom = 0.03;
// A line is hidden where one drawn after it passes within this share of the
// y-range (about the width of a line), at more than this share of its points.
constexpr double kHiddenTolerance = 0.012, kHiddenShare = 0.5;
// Markers of hidden lines: open, so that the line beneath shows through.
constexpr std::array<int, 4> kOpenMarkers = {6, 4, 8, 12};  // circle, square, triangle, diamond

// Centred moving average over `window` points; values that are not finite
// (or not positive, for a log axis) are left out, and a window without any
// valid value gives NaN. Prefix sums keep it linear in the series length.
std::vector<double> moving_average(const std::vector<double>& y, std::size_t window,
                                   bool positive_only) {
  const std::size_t n = y.size();
  std::vector<double> sum(n + 1, 0.0);
  std::vector<std::size_t> count(n + 1, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const bool valid = std::isfinite(y[i]) && (!positive_only || y[i] > 0);
    sum[i + 1] = sum[i] + (valid ? y[i] : 0.0);
    count[i + 1] = count[i] + (valid ? 1 : 0);
  }
  std::vector<double> out(n);
  const std::size_t before = (window - 1) / 2, after = window / 2;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t lo = i >= before ? i - before : 0;
    const std::size_t hi = std::min(n, i + after + 1);
    const std::size_t k = count[hi] - count[lo];
    out[i] = k ? (sum[hi] - sum[lo]) / static_cast<double>(k) : std::nan("");
  }
  return out;
}

// Whether a value can be drawn on an axis.
bool drawable(double v, bool log_axis) { return std::isfinite(v) && (!log_axis || v > 0); }

// A value in the axis's own units: decades on a log axis.
double on_axis(double v, bool log_axis) { return log_axis ? std::log10(v) : v; }

// A `using` column: on a log axis non-positive values become NaN (skipped).
std::string column(int j, bool log_axis) {
  return log_axis ? fmt::format("((${0}>0)?${0}:NaN)", j) : std::to_string(j);
}

std::string style_clause(Chart::Style style, double line_width) {
  switch (style) {
    case Chart::Style::kPoints:
      return "with points pt 7 ps 0.6";
    case Chart::Style::kLinesPoints:
      return fmt::format("with linespoints lw {} pt 7 ps 0.6", line_width);
    case Chart::Style::kSteps:
      return fmt::format("with steps lw {}", line_width);
    case Chart::Style::kLines:
      break;
  }
  return fmt::format("with lines lw {}", line_width);
}

// The lowest and highest drawable value of some data, in axis units.
struct Extent {
  double low = INFINITY, high = -INFINITY;
  void add(double v, bool log_axis) {
    if (!drawable(v, log_axis)) return;
    low = std::min(low, on_axis(v, log_axis));
    high = std::max(high, on_axis(v, log_axis));
  }
  bool empty() const { return low > high; }
  double span() const { return high > low ? high - low : std::max(std::fabs(high) * 0.1, 1e-3); }
};

// One series as drawn: x, the y of its full-colour line (the moving
// average when smoothed), and the raw y behind it.
struct Drawn {
  std::vector<double> x, y, raw;
  bool smoothed = false, has_points = false;
};

Drawn prepare(const Chart& chart, const Series& s) {
  Drawn d;
  for (std::size_t j = 0; j < s.y.size(); ++j)
    d.x.push_back(s.x.empty() ? static_cast<double>(j + 1) : s.x[j]);
  d.raw = s.y;
  // Only series of at least 4 windows are smoothed: averaging a short series
  // (validation points once an epoch beside a loss every step) would flatten it.
  d.smoothed = chart.smooth > 1 && s.y.size() >= 4 * chart.smooth;
  d.y = d.smoothed ? moving_average(s.y, chart.smooth, chart.log_y) : s.y;
  for (std::size_t j = 0; j < s.y.size(); ++j)
    if (drawable(d.x[j], chart.log_x) && drawable(s.y[j], chart.log_y)) d.has_points = true;
  return d;
}

// Which lines the lines drawn after them hide: at more than kHiddenShare of
// its drawable points, a later series at the same x lies within
// kHiddenTolerance of the y-range. Point charts are left alone; of a
// histogram (steps) only the bars count, not the empty bins all share.
std::vector<bool> hidden_lines(const Chart& chart, const std::vector<Drawn>& drawn, double y_span) {
  std::vector<bool> hidden(drawn.size(), false);
  if (chart.style == Chart::Style::kPoints) return hidden;
  const double tolerance = kHiddenTolerance * y_span;
  for (std::size_t i = 0; i < drawn.size(); ++i) {
    std::size_t points = 0, covered = 0;
    for (std::size_t k = 0; k < drawn[i].y.size(); ++k) {
      if (!drawable(drawn[i].y[k], chart.log_y) || !drawable(drawn[i].x[k], chart.log_x)) continue;
      if (chart.style == Chart::Style::kSteps && drawn[i].y[k] == 0) continue;
      ++points;
      const double y = on_axis(drawn[i].y[k], chart.log_y);
      for (std::size_t j = i + 1; j < drawn.size(); ++j) {
        if (k >= drawn[j].y.size() || drawn[j].x[k] != drawn[i].x[k]) continue;
        if (!drawable(drawn[j].y[k], chart.log_y)) continue;
        if (std::fabs(on_axis(drawn[j].y[k], chart.log_y) - y) <= tolerance) {
          ++covered;
          break;
        }
      }
    }
    hidden[i] = points >= 2 && static_cast<double>(covered) > kHiddenShare * static_cast<double>(points);
  }
  return hidden;
}

// The h-th of `count` hidden lines: dashed, with open markers about a dozen
// to a line, each line's markers shifted along it so that they do not sit
// on each other. Returns the line's style and its markers' plot item tail.
struct HiddenStyle {
  std::string line, markers, key;
};
HiddenStyle hidden_style(std::size_t h, std::size_t count, std::size_t points, Chart::Style style) {
  const std::size_t interval = std::max<std::size_t>(1, points / 12);
  const std::size_t offset = interval * h / std::max<std::size_t>(count, 1);
  const std::size_t dash = 2 + h % 4;
  const int marker = kOpenMarkers[h % kOpenMarkers.size()];
  // A histogram's outline shows through dashed; markers on its corners would clutter it.
  if (style == Chart::Style::kSteps)
    return {fmt::format("with steps lw 2 dt {}", dash), "", fmt::format("with lines lw 2 dt {}", dash)};
  return {fmt::format("with lines lw 2 dt {}", dash),
          fmt::format("every {}::{} with points pt {} ps 0.9 lw 1.5", interval, offset, marker),
          fmt::format("with linespoints lw 2 dt {} pt {} ps 0.9", dash, marker)};
}

// One set of axes' series: their data blocks (appended to `data`, numbered
// on from `block`) and plot items. `colour[i]` is series i's colour number;
// `y` the extent the y-range is made from. With `titled` the items carry the
// key's titles; otherwise the figure draws a key of its own.
struct Drawing {
  std::vector<std::string> items;
  std::vector<std::string> empty, off_scale;  // labels of series without points, or beyond the y-range
};
Drawing series_items(const Chart& chart, const std::vector<Series>& series,
                     const std::vector<std::size_t>& colour, const Extent& y, std::size_t& block,
                     std::string& data, bool titled) {
  const double y_span = y.span();
  const double top = y.high + kHeadroom * y_span, bottom = y.low - kFootroom * y_span;
  std::vector<Drawn> drawn;
  for (const Series& s : series) drawn.push_back(prepare(chart, s));
  const std::vector<bool> hidden = hidden_lines(chart, drawn, y_span);

  // The data: one block per series, columns x y [y_smooth].
  std::vector<std::size_t> index(series.size());
  for (std::size_t i = 0; i < series.size(); ++i) {
    index[i] = block++;
    if (index[i]) data += "\n\n";
    data += fmt::format("# series {}: {}\n", index[i], comment(series[i].label));
    data += drawn[i].smoothed ? "# x y y_smooth\n" : "# x y\n";
    // gnuplot does not count a block of comments alone as an `index`: an
    // empty series (a diverged run) would shift every later series' data
    // onto the wrong label.
    if (drawn[i].raw.empty()) data += "NaN NaN\n";
    for (std::size_t j = 0; j < drawn[i].raw.size(); ++j) {
      data += number(drawn[i].x[j]) + ' ' + number(drawn[i].raw[j]);
      if (drawn[i].smoothed) data += ' ' + number(drawn[i].y[j]);
      data += '\n';
    }
  }

  // The items: faint raw curves and full-colour lines in order; hidden
  // lines last, on top, with their key entries in their place.
  Drawing drawing;
  std::vector<std::string>& items = drawing.items;
  std::vector<std::string> on_top;
  const std::string x_col = column(1, chart.log_x);
  const std::size_t hidden_total = static_cast<std::size_t>(std::count(hidden.begin(), hidden.end(), true));
  std::size_t hidden_rank = 0;
  for (std::size_t i = 0; i < series.size(); ++i) {
    const Rgb rgb = series_colour(colour[i]);
    // Past the palette's 10 colours, dashes tell the series apart.
    const std::string dash = fmt::format(" dt {}", 1 + colour[i] / kPaletteSize);
    std::string title = gp_string(series[i].label, false);
    if (!drawn[i].has_points) {
      drawing.empty.push_back(series[i].label);
      if (titled)
        items.push_back(fmt::format("keyentry {}{} lc rgb '{}' title {}.' (no data)'",
                                    style_clause(chart.style, 2), dash, hex(rgb), title));
      continue;
    }
    const bool off_scale = series[i].outlier && std::any_of(drawn[i].y.begin(), drawn[i].y.end(), [&](double v) {
      return drawable(v, chart.log_y) && (on_axis(v, chart.log_y) > top || on_axis(v, chart.log_y) < bottom);
    });
    if (off_scale) {
      drawing.off_scale.push_back(series[i].label);
      title += ".' (off scale)'";
    }
    const std::string source = fmt::format("sn_dat index {} using {}:", index[i], x_col);
    if (drawn[i].smoothed)
      items.push_back(fmt::format("{}{} {}{} lc rgb '{}' notitle", source, column(2, chart.log_y),
                                  style_clause(chart.style, 1), dash, hex(lighten(rgb, 0.6))));
    const std::string line = source + column(drawn[i].smoothed ? 3 : 2, chart.log_y);
    if (hidden[i]) {
      const HiddenStyle style = hidden_style(hidden_rank++, hidden_total, drawn[i].y.size(), chart.style);
      if (titled)
        items.push_back(fmt::format("keyentry {} lc rgb '{}' title {}", style.key, hex(rgb), title));
      on_top.push_back(fmt::format("{} {} lc rgb '{}' notitle", line, style.line, hex(rgb)));
      if (!style.markers.empty())
        on_top.push_back(fmt::format("{} {} lc rgb '{}' notitle", line, style.markers, hex(rgb)));
    } else {
      items.push_back(fmt::format("{} {}{} lc rgb '{}' {}", line, style_clause(chart.style, 2), dash,
                                  hex(rgb), titled ? "title " + title : std::string("notitle")));
    }
  }
  items.insert(items.end(), on_top.begin(), on_top.end());
  return drawing;
}

// The y-range over every series, with room above the top curve.
std::string y_range(const Chart& chart, const Extent& y) {
  const double low = y.low - kFootroom * y.span(), high = y.high + kHeadroom * y.span();
  if (chart.log_y) return fmt::format("set yrange [{}:{}]\n", number(std::pow(10, low)), number(std::pow(10, high)));
  return fmt::format("set yrange [{}:{}]\n", number(low), number(high));
}

// `set xtics 1` where gnuplot would put ticks between whole numbers (over
// a few epochs; over more than `most`, its own ticks are whole already).
std::string whole_ticks(const Chart& chart, const Extent& x, double most) {
  return chart.whole_x && !x.empty() && !chart.log_x && x.high - x.low <= most ? "set xtics 1\n" : "";
}

// A panel is narrow: at most 5 ticks on a linear x axis, at steps of
// 1, 2 or 5 times a power of ten (whole numbers where x counts something).
std::string panel_x_ticks(const Chart& chart, const Extent& x) {
  if (chart.log_x || x.empty()) return "";
  const double span = x.high - x.low;
  if (chart.whole_x && span <= 8) return "set xtics 1\n";
  if (!(span > 0)) return "";
  const double raw = span / 5, decade = std::pow(10, std::floor(std::log10(raw)));
  double step = 10 * decade;
  for (double m : {1.0, 2.0, 5.0})
    if (m * decade >= raw) {
      step = m * decade;
      break;
    }
  if (chart.whole_x) step = std::max(1.0, std::round(step));
  return fmt::format("set xtics {}\n", number(step));
}

std::string key_title(const Chart& chart, bool any_smoothed) {
  if (!any_smoothed) return "";
  return fmt::format("set key title {}\n",
                     gp_string(fmt::format("faint: raw values; solid: moving average of {} points",
                                           chart.smooth),
                               false));
}

// How many key rows `count` entries take below a plot `width` pixels wide:
// gnuplot sizes entries at about 10.5 px per character at font size 10,
// the sample line and gaps adding 8 characters.
std::size_t key_rows(std::size_t count, std::size_t longest_label, int width) {
  const std::size_t per_row = std::max<std::size_t>(
      1, static_cast<std::size_t>((width - 40) / (10.5 * static_cast<double>(longest_label + 8))));
  return (count + per_row - 1) / per_row;
}

// The extent of what a chart draws, and whether anything is smoothed. Of
// a smoothed series, its moving average and the middle 98% of the faint raw
// values behind it: a few spikes may leave the plot rather than squeeze it.
// Outliers count only when nothing else has data.
struct Bounds {
  Extent x, y, outlier_y;
  bool any_smoothed = false;
  void add(const Chart& chart, const Series& s) {
    const Drawn d = prepare(chart, s);
    any_smoothed = any_smoothed || d.smoothed;
    Extent& extent = s.outlier ? outlier_y : y;
    std::vector<double> raw;
    for (std::size_t j = 0; j < d.raw.size(); ++j) {
      if (!drawable(d.x[j], chart.log_x) || !drawable(d.raw[j], chart.log_y)) continue;
      x.add(d.x[j], chart.log_x);
      extent.add(d.y[j], chart.log_y);
      raw.push_back(d.raw[j]);
    }
    if (!d.smoothed || raw.empty()) return;
    std::sort(raw.begin(), raw.end());
    const std::size_t cut = raw.size() / 100;
    extent.add(raw[cut], chart.log_y);
    extent.add(raw[raw.size() - 1 - cut], chart.log_y);
  }
  const Extent& y_extent() const { return y.empty() ? outlier_y : y; }
};

RenderResult render_single(const Chart& chart, const fs::path& folder) {
  Bounds bounds;
  for (const Series& s : chart.series) bounds.add(chart, s);
  const Extent &x = bounds.x, &y = bounds.y_extent();
  const bool any_smoothed = bounds.any_smoothed;
  std::string data = fmt::format("# scratchnet chart '{}': {}\n", chart.name, comment(chart.title));
  data += "# one block per series, selected with `index i`\n";
  std::vector<std::size_t> colour(chart.series.size());
  for (std::size_t i = 0; i < colour.size(); ++i) colour[i] = i;
  std::size_t block = 0;
  std::vector<std::string> items = series_items(chart, chart.series, colour, y, block, data, true).items;

  // The script: axes, then one plot item per series (two when smoothed).
  std::string script = script_head("chart", chart.name, folder);
  script += axis_setup(chart.title, chart.x_label, chart.y_label);
  if (chart.log_x) script += "set logscale x 10\n";
  if (chart.log_y) script += "set logscale y 10\nset format y '%g'\n";
  script += whole_ticks(chart, x, 12);
  script += "set grid xtics ytics lc rgb '#d8d8d8' lw 1 dt 1\n";
  script += "set key below horizontal reverse Left width 3 samplen 3 noautotitle\n";
  script += key_title(chart, any_smoothed);
  if (y.empty()) {
    // Nothing to draw: fixed ranges and a note, so gnuplot need not autoscale.
    const char* range = chart.log_x ? "[1:10]" : "[0:1]";
    script +=
        fmt::format("set xrange {}\nset yrange {}\n", range, chart.log_y ? "[1:10]" : "[0:1]");
    script += "set label 1 'no data' at graph 0.5, 0.5 center\n";
    items.insert(items.begin(), "NaN notitle");
  } else {
    script += y_range(chart, y);
    // One x value (a single record): gnuplot would warn of an empty range.
    if (!x.empty() && x.high == x.low && !chart.log_x)
      script += fmt::format("set xrange [{}:{}]\n", number(x.low - 1), number(x.high + 1));
  }
  // The key sits below the plot, as many entries to a row as fit: taller
  // images for long keys, so that no entry is cut off and the plot keeps
  // its height.
  std::size_t longest_label = 0;
  for (const auto& series : chart.series) longest_label = std::max(longest_label, series.label.size());
  const std::size_t rows = key_rows(chart.series.size(), longest_label, kWidth);
  const int height = kHeight + 18 * static_cast<int>(rows > 2 ? rows - 2 : 0);
  return write_and_render(folder, chart.name, data,
                          script + script_tail(chart.name, join_plot(items), height));
}

// ------------------------------------------------------------ small multiples

// Panel grid geometry in pixels.
constexpr int kPanelWidth = 290, kPanelHeight = 270;
constexpr int kFigureTitle = 45, kOuterLabel = 40;  // above the grid; left of it (y label)
constexpr int kPanelLeft = 50, kPanelRight = 22, kPanelTop = 26, kPanelBottom = 40;

std::size_t panel_columns(std::size_t panels, std::size_t asked) {
  if (asked) return std::min(asked, panels);
  if (panels <= 3) return panels;
  if (panels == 4) return 2;
  return panels <= 9 ? 3 : 4;
}

RenderResult render_panels(const Chart& chart, const fs::path& folder) {
  // Colours by label, in order of first appearance; shared ranges.
  std::map<std::string, std::size_t> colour_of;
  std::vector<std::string> labels;
  Bounds bounds;
  for (const Panel& panel : chart.panels)
    for (const Series& s : panel.series) {
      if (colour_of.emplace(s.label, labels.size()).second) labels.push_back(s.label);
      bounds.add(chart, s);
    }
  const Extent &x = bounds.x, &y = bounds.y_extent();
  const bool any_smoothed = bounds.any_smoothed;

  const std::size_t n = chart.panels.size(), columns = panel_columns(n, chart.columns);
  const std::size_t rows = (n + columns - 1) / columns;
  const int width = std::max(kWidth, kOuterLabel + static_cast<int>(columns) * kPanelWidth);
  const int cell = (width - kOuterLabel) / static_cast<int>(columns);
  std::size_t longest_label = 0;
  for (const auto& label : labels) longest_label = std::max(longest_label, label.size());
  const int key_height =
      16 + 18 * static_cast<int>(key_rows(labels.size(), longest_label, width)) + (any_smoothed ? 18 : 0);
  const int height = kFigureTitle + static_cast<int>(rows) * kPanelHeight + key_height;
  auto sx = [&](int px) { return number(static_cast<double>(px) / width); };
  auto sy = [&](int px) { return number(static_cast<double>(px) / height); };

  std::string data = fmt::format("# scratchnet chart '{}' ({} panels): {}\n", chart.name, n,
                                 comment(chart.title));
  data += "# one block per series of each panel in turn, selected with `index i`\n";
  std::size_t block = 0;
  // Everything the panels set is set again for each, since the whole
  // multiplot is drawn twice (PNG, then SVG).
  std::string body = "set multiplot title " + gp_string(chart.title, true) + " font ',13'\n";
  for (std::size_t p = 0; p < n; ++p) {
    const Panel& panel = chart.panels[p];
    const int row = static_cast<int>(p / columns), col = static_cast<int>(p % columns);
    const int left = kOuterLabel + col * cell, top = height - kFigureTitle - row * kPanelHeight;
    body += fmt::format("\n# panel {}: {}\n", p + 1, comment(panel.title));
    body += fmt::format("set lmargin at screen {}\nset rmargin at screen {}\n", sx(left + kPanelLeft),
                        sx(left + cell - kPanelRight));
    body += fmt::format("set tmargin at screen {}\nset bmargin at screen {}\n", sy(top - kPanelTop),
                        sy(top - kPanelHeight + kPanelBottom));
    Bounds own;  // the panel's own x-range, or the one all share
    for (std::size_t k = 0; chart.panel_x_ranges && k < panel.series.size(); ++k) own.add(chart, panel.series[k]);
    const Extent& px = own.x.empty() ? x : own.x;
    body += "set border 31 lw 1 lc rgb '#444444'\nset xtics autofreq\nset ytics autofreq\n";
    body += panel_x_ticks(chart, px);
    body += "set grid xtics ytics lc rgb '#d8d8d8' lw 1 dt 1\nunset key\nunset label\n";
    std::vector<std::size_t> colour;
    for (const Series& s : panel.series) colour.push_back(colour_of.at(s.label));
    const Drawing drawing = series_items(chart, panel.series, colour, y, block, data, false);
    // A panel's title names the series that have nothing to draw there, or
    // leave it.
    std::string title = panel.title;
    for (const auto& [what, labels_there] : {std::pair{"no data", &drawing.empty}, {"off scale", &drawing.off_scale}}) {
      if (labels_there->empty()) continue;
      title += fmt::format(" ({}:", what);
      for (std::size_t i = 0; i < labels_there->size(); ++i) title += (i ? ", " : " ") + (*labels_there)[i];
      title += ")";
    }
    body += "set title " + gp_string(title, false) + " font ',11'\n";
    body += row + 1 == static_cast<int>(rows) || p + columns >= n
                ? "set xlabel " + gp_string(chart.x_label, false) + "\n"
                : "unset xlabel\n";
    body += col == 0 ? "set ylabel " + gp_string(chart.y_label, false) + "\n" : "unset ylabel\n";
    body += chart.log_x ? "set logscale x 10\n" : "unset logscale x\n";
    // Decades as 1e-06 .. 10000, not gnuplot's default of one precision for every tick.
    body += chart.log_y ? "set logscale y 10\nset format y '%g'\n" : "unset logscale y\nset format y '% h'\n";
    if (!panel.note.empty())
      body += "set label 2 " + gp_string(panel.note, false) + " at graph 0.97, 0.92 right font ',10'\n";
    std::vector<std::string> items;
    if (y.empty()) {
      body += fmt::format("set xrange {0}\nset yrange {0}\n", chart.log_x || chart.log_y ? "[1:10]" : "[0:1]");
      body += "set label 1 'no data' at graph 0.5, 0.5 center\n";
      items.push_back("NaN notitle");
    } else {
      const double low = px.low, high = px.high > px.low ? px.high : px.low + 1;
      body += chart.log_x ? fmt::format("set xrange [{}:{}]\n", number(std::pow(10, low)), number(std::pow(10, high)))
                          : fmt::format("set xrange [{}:{}]\n", number(low), number(high));
      body += y_range(chart, y);
    }
    items.insert(items.end(), drawing.items.begin(), drawing.items.end());
    if (items.empty()) items.push_back("NaN notitle");
    body += join_plot(items) + "\n";
  }

  // The key: a strip below the grid, one entry per label.
  body += "\n# the key of every panel\n";
  body += fmt::format("set lmargin at screen {}\nset rmargin at screen {}\n", sx(10), sx(width - 10));
  body += fmt::format("set tmargin at screen {}\nset bmargin at screen {}\n", sy(key_height), sy(2));
  body += "unset border\nunset xtics\nunset ytics\nunset grid\nunset title\nunset xlabel\nunset ylabel\n";
  body += "unset logscale\nunset label\nset xrange [0:1]\nset yrange [0:1]\n";
  body += "set key inside center center horizontal reverse Left width 3 samplen 3\n";
  body += key_title(chart, any_smoothed);
  std::vector<std::string> key = {"NaN notitle"};
  for (std::size_t i = 0; i < labels.size(); ++i)
    key.push_back(fmt::format("keyentry {} dt {} lc rgb '{}' title {}", style_clause(chart.style, 2),
                              1 + i / kPaletteSize, hex(series_colour(i)), gp_string(labels[i], false)));
  body += join_plot(key) + "\nunset multiplot";

  std::string script = script_head("chart", chart.name, folder);
  return write_and_render(folder, chart.name, data,
                          script + script_tail(chart.name, body, height, width, true));
}

}  // namespace

RenderResult render(const Chart& chart, const std::string& dir) {
  check_name(chart.name, "chart");
  if (!chart.panels.empty() && !chart.series.empty())
    throw_usage("chart '{}': give series or panels, not both ({} series, {} panels)", chart.name,
                chart.series.size(), chart.panels.size());
  auto check = [&](const Series& s) {
    if (!s.x.empty() && s.x.size() != s.y.size()) {
      throw_usage("chart '{}': series '{}' has {} x values but {} y values", chart.name,
                  comment(s.label), s.x.size(), s.y.size());
    }
  };
  for (const Series& s : chart.series) check(s);
  for (const Panel& panel : chart.panels)
    for (const Series& s : panel.series) check(s);
  const fs::path folder = prepare_dir(dir);
  return chart.panels.empty() ? render_single(chart, folder) : render_panels(chart, folder);
}

}  // namespace scratchnet
