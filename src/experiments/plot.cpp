#include "scratchnet/experiments/plot.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/binary.h"
#include "gnuplot_script.h"

namespace scratchnet {

using namespace plot_detail;

namespace {

// A cell's annotation: integers in full, other values to 4 digits; one
// token without spaces, as the .dat file needs.
std::string cell_label(double v) {
  if (!std::isfinite(v)) return "NaN";
  if (v == std::round(v) && std::fabs(v) < 1e9) return fmt::format("{:.0f}", v);
  return fmt::format("{:.4g}", v);
}

// `set xtics (...)` with one label per cell, rotated when long.
std::string tick_setup(const char* axis, const std::vector<std::string>& ticks) {
  if (ticks.empty()) return fmt::format("set {}tics 1\n", axis);
  std::string s = fmt::format("set {}tics (", axis);
  std::size_t longest = 0;
  for (std::size_t i = 0; i < ticks.size(); ++i) {
    s += fmt::format("{}{} {}", i ? ", " : "", gp_string(ticks[i], false), i);
    longest = std::max(longest, ticks[i].size());
  }
  s += ")";
  if (std::string(axis) == "x" && longest * ticks.size() > 80) s += " rotate by 30 right";
  return s + "\n";
}

}  // namespace

RenderResult render(const Heatmap& map, const std::string& dir) {
  check_name(map.name, "heatmap");
  const std::size_t rows = map.values.size();
  const std::size_t cols = rows ? map.values[0].size() : 0;
  if (rows == 0 || cols == 0) throw_usage("heatmap '{}' has no values", map.name);
  for (std::size_t r = 0; r < rows; ++r) {
    if (map.values[r].size() != cols) {
      throw_usage("heatmap '{}': row {} has {} values but row 0 has {}", map.name, r,
                  map.values[r].size(), cols);
    }
  }
  if (!map.x_ticks.empty() && map.x_ticks.size() != cols) {
    throw_usage("heatmap '{}' has {} columns but {} x ticks", map.name, cols, map.x_ticks.size());
  }
  if (!map.y_ticks.empty() && map.y_ticks.size() != rows) {
    throw_usage("heatmap '{}' has {} rows but {} y ticks", map.name, rows, map.y_ticks.size());
  }
  const fs::path folder = prepare_dir(dir);

  // The colour range: the finite values, widened when they are all equal.
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& row : map.values) {
    for (double v : row) {
      if (std::isfinite(v)) {
        lo = std::min(lo, v);
        hi = std::max(hi, v);
      }
    }
  }
  if (!std::isfinite(lo)) {
    lo = 0;
    hi = 1;
  }
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }

  // The data: one line per cell, one block of lines per row.
  std::string data = fmt::format("# scratchnet heatmap '{}': {}\n", map.name, comment(map.title));
  data += "# col row value label (row 0 is drawn at the top)\n";
  for (std::size_t r = 0; r < rows; ++r) {
    if (r) data += '\n';
    for (std::size_t c = 0; c < cols; ++c) {
      const double v = map.values[r][c];
      data += fmt::format("{} {} {} {}\n", c, r, number(v), cell_label(v));
    }
  }

  // The script: one filled box per cell coloured by value (NaN cells stay
  // grey), the values printed on top in white on dark and black on light.
  std::string script = script_head("heatmap", map.name, folder);
  script += axis_setup(map.title, map.x_label, map.y_label);
  script += fmt::format("set xrange [-0.5:{}]\nset yrange [{}:-0.5]\n", cols - 0.5, rows - 0.5);
  if (std::max(rows, cols) <= 3 * std::min(rows, cols)) script += "set size ratio -1\n";
  script += tick_setup("x", map.x_ticks) + tick_setup("y", map.y_ticks);
  script += "set tics scale 0\nunset key\n";
  script += fmt::format("set cbrange [{}:{}]\n", number(lo), number(hi));
  script +=
      "set palette defined (0 '#440154', 0.25 '#3b528b', 0.5 '#21918c', 0.75 '#5ec962', "
      "1 '#fde725')\n";
  script +=
      "set object 1 rectangle from graph 0,0 to graph 1,1 behind fillcolor rgb '#e0e0e0' "
      "fillstyle solid 1 noborder\n";
  std::vector<std::string> items = {
      "sn_dat using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1 noborder lc palette"};
  if (map.annotate) {
    const std::string dark = fmt::format("(($3-({}))/({}) < 0.55)", number(lo), number(hi - lo));
    items.push_back(fmt::format(
        "sn_dat using 1:2:({} ? stringcolumn(4) : '') with labels tc rgb '#ffffff'", dark));
    items.push_back(fmt::format(
        "sn_dat using 1:2:({} ? '' : stringcolumn(4)) with labels tc rgb '#000000'", dark));
  }
  return write_and_render(folder, map.name, data, script + script_tail(map.name, join_plot(items)));
}

RenderResult render(const RegionMap& map, const std::string& dir) {
  check_name(map.name, "region map");
  if (map.grid_x < 2 || map.grid_y < 2) {
    throw_usage("region map '{}' needs a grid of at least 2 x 2 cells, not {} x {}", map.name,
                map.grid_x, map.grid_y);
  }
  if (map.grid_class.size() != map.grid_x * map.grid_y) {
    throw_usage("region map '{}': a {} x {} grid needs {} classes, not {}", map.name, map.grid_x,
                map.grid_y, map.grid_x * map.grid_y, map.grid_class.size());
  }
  if (!(map.x_min < map.x_max) || !(map.y_min < map.y_max)) {
    throw_usage("region map '{}': empty area x [{}, {}], y [{}, {}]", map.name, map.x_min,
                map.x_max, map.y_min, map.y_max);
  }
  if (map.px.size() != map.py.size() || map.px.size() != map.pclass.size()) {
    throw_usage("region map '{}': {} x, {} y and {} classes of points", map.name, map.px.size(),
                map.py.size(), map.pclass.size());
  }
  const fs::path folder = prepare_dir(dir);

  // The classes in the key: every named one and every one that occurs.
  std::set<int> classes;
  for (std::size_t k = 0; k < map.class_names.size(); ++k) classes.insert(static_cast<int>(k));
  classes.insert(map.grid_class.begin(), map.grid_class.end());
  classes.insert(map.pclass.begin(), map.pclass.end());

  // The data: block 0 the grid (cell centres, class, light RGB), block 1
  // the points (class, packed RGB).
  std::string data =
      fmt::format("# scratchnet region map '{}': {}\n", map.name, comment(map.title));
  data += "# block 0: grid cells, columns x y class r g b\n";
  const double dx = (map.x_max - map.x_min) / static_cast<double>(map.grid_x);
  const double dy = (map.y_max - map.y_min) / static_cast<double>(map.grid_y);
  for (std::size_t r = 0; r < map.grid_y; ++r) {
    for (std::size_t c = 0; c < map.grid_x; ++c) {
      const int k = map.grid_class[r * map.grid_x + c];
      const Rgb light = lighten(class_colour(k), 0.65);
      data += fmt::format("{} {} {} {} {} {}\n", number(map.x_min + (c + 0.5) * dx),
                          number(map.y_min + (r + 0.5) * dy), k, light.r, light.g, light.b);
    }
    data += '\n';
  }
  data += "\n# block 1: points, columns x y class rgb\n";
  for (std::size_t i = 0; i < map.px.size(); ++i) {
    const Rgb c = class_colour(map.pclass[i]);
    data += fmt::format("{} {} {} {}\n", number(map.px[i]), number(map.py[i]), map.pclass[i],
                        (c.r << 16) | (c.g << 8) | c.b);
  }

  // The script: the grid as an RGB image, the points as filled circles with
  // a dark outline, and one key entry per class.
  std::string script = script_head("region map", map.name, folder);
  script += axis_setup(map.title, map.x_label, map.y_label);
  script += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", number(map.x_min),
                        number(map.x_max), number(map.y_min), number(map.y_max));
  script += "set key outside right top\nset tics out nomirror\n";
  std::vector<std::string> items = {"sn_dat index 0 using 1:2:4:5:6 with rgbimage notitle"};
  if (!map.px.empty()) {
    items.push_back("sn_dat index 1 using 1:2:4 with points pt 7 ps 0.8 lc rgb variable notitle");
    items.push_back(
        "sn_dat index 1 using 1:2 with points pt 6 ps 0.8 lw 0.5 lc rgb '#303030' "
        "notitle");
  }
  for (int k : classes) {
    const std::size_t index = static_cast<std::size_t>(k);
    const std::string label = k >= 0 && index < map.class_names.size() ? map.class_names[index]
                                                                       : fmt::format("class {}", k);
    items.push_back(fmt::format("keyentry with points pt 7 ps 1.2 lc rgb '{}' title {}",
                                hex(class_colour(k)), gp_string(label, false)));
  }
  return write_and_render(folder, map.name, data, script + script_tail(map.name, join_plot(items)));
}

bool gnuplot_available() { return find_gnuplot().has_value(); }

std::size_t rerender_all(const std::string& dir, std::string* message) {
  std::error_code ec;
  std::vector<fs::path> scripts;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() == ".gp" && it->is_regular_file(ec)) scripts.push_back(it->path());
  }
  if (ec) throw_data("cannot read folder '{}': {}", dir, ec.message());
  std::sort(scripts.begin(), scripts.end());

  std::string failures;
  std::size_t rendered = 0;
  const std::optional<std::string> gnuplot = find_gnuplot();
  if (scripts.empty()) {
    failures = fmt::format("no gnuplot scripts (.gp files) in {}", dir);
  } else if (!gnuplot) {
    failures = fmt::format(
        "gnuplot not found on PATH: install it (Debian: apt-get install gnuplot-nox) and run "
        "`scratchnet plot {}` again to render the {} scripts there",
        shell_quote(dir), scripts.size());
  } else {
    std::size_t failed = 0;
    for (const fs::path& script : scripts) {
      const RenderResult result = run_script(*gnuplot, script);
      if (result.rendered) {
        ++rendered;
      } else {
        ++failed;
        failures += "\n  " + result.message;
      }
    }
    if (failed) {
      failures = fmt::format("{} of {} plots failed:{}", failed, scripts.size(), failures);
    }
  }
  if (message) *message = failures;
  return rendered;
}

}  // namespace scratchnet
