#pragma once
// Reading back what a chart wrote (experiments/plot.h): its .dat file's
// series and its .gp script's text. Header-only, for both test binaries.

#include <cstddef>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace scratchnet::testing {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// How often `what` occurs in `text`.
inline std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

struct ChartSeries {
  std::string label;
  std::vector<double> x, y;
};

// The series of a chart's .dat file: blocks introduced by "# series i: LABEL",
// then rows "x y [y_smooth]" (NaN allowed).
inline std::vector<ChartSeries> read_chart_series(const std::string& path) {
  std::ifstream in(path);
  std::vector<ChartSeries> all;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("# series ", 0) == 0) {
      all.push_back({line.substr(line.find(": ") + 2), {}, {}});
    } else if (!line.empty() && line[0] != '#' && !all.empty()) {
      std::stringstream cells(line);
      std::string x, y;
      cells >> x >> y;
      all.back().x.push_back(std::stod(x));
      all.back().y.push_back(std::stod(y));
    }
  }
  return all;
}

}  // namespace scratchnet::testing
