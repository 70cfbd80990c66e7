#pragma once
// Internal to src/experiments: the pieces every gnuplot figure of plot.h is
// made of (defined in gnuplot_script.cpp), shared by the heatmaps and region maps
// there and the line charts in chart_plot.cpp.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/experiments/plot.h"

namespace scratchnet::plot_detail {

namespace fs = std::filesystem;

// Image size in pixels (PNG) and user units (SVG).
constexpr int kWidth = 800, kHeight = 500;

struct Rgb {
  int r, g, b;
};
// Series colours: the "tab10" palette of matplotlib, repeating after ten.
constexpr std::size_t kPaletteSize = 10;
Rgb series_colour(std::size_t i);
// Moves a colour the fraction `t` of the way towards white.
Rgb lighten(Rgb c, double t);
std::string hex(Rgb c);
// The colour of class k (heatmaps, decision regions); below 0 (none) grey.
Rgb class_colour(int k);

// A number for a .dat file: shortest round-trip form, non-finite as NaN.
std::string number(double v);
// `text` as a gnuplot string expression of single-quoted pieces, safe for
// any text; line breaks kept where `multiline`, spaces elsewhere.
std::string gp_string(const std::string& text, bool multiline);
// `text` on one line, for a '#' comment.
std::string comment(const std::string& text);

// Throws a usage error unless `name` is a plain file stem.
void check_name(const std::string& name, const char* what);
// Creates `dir` and returns it as an absolute path.
fs::path prepare_dir(const std::string& dir);

// The start of every script (where its files are, the common look) and its
// end: `plot_command` drawn as <name>.png and <name>.svg. A multiplot
// cannot be replotted: with `repeat` the command is written out twice.
std::string script_head(const std::string& kind, const std::string& name, const fs::path& dir);
std::string script_tail(const std::string& name, const std::string& plot_command, int height = kHeight,
                         int width = kWidth, bool repeat = false);
// "plot a, \ b": plot items joined into one command.
std::string join_plot(const std::vector<std::string>& items);
// `set title`, `set xlabel`, `set ylabel` for the non-empty ones.
std::string axis_setup(const std::string& title, const std::string& x_label, const std::string& y_label);

// `s` quoted for a POSIX shell where it needs it, for messages.
std::string shell_quote(const std::string& s);
// The gnuplot executable, if there is one.
std::optional<std::string> find_gnuplot();
// Runs `gnuplot <script>` without a shell (killed after a timeout) and checks
// that it wrote <stem>.png and <stem>.svg next to the script.
RenderResult run_script(const std::string& gnuplot, const fs::path& script);

// Writes <dir>/<name>.dat and .gp, then renders when gnuplot is there.
RenderResult write_and_render(const fs::path& dir, const std::string& name, const std::string& data,
                              const std::string& script);

}  // namespace scratchnet::plot_detail
