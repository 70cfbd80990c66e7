#include "scratchnet/data/cells.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <system_error>
#include <unordered_map>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"

namespace scratchnet {

NumberParse parse_number(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
    if (s.empty() || s.front() == '+' || s.front() == '-') return NumberParse::kNotNumber;
  }
  if (s.empty()) return NumberParse::kNotNumber;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, out);
  if (ptr != end) return NumberParse::kNotNumber;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is not finite; underflow (1e-400) is a valid, tiny number.
    const std::string copy(s);
    out = std::strtod(copy.c_str(), nullptr);
    return std::abs(out) < 1.0 ? NumberParse::kOk : NumberParse::kNotFinite;
  }
  if (ec != std::errc()) return NumberParse::kNotNumber;
  if (!std::isfinite(out)) return NumberParse::kNotFinite;
  // Features are stored as float: values beyond its range would become inf.
  if (std::abs(out) > static_cast<double>(std::numeric_limits<float>::max())) {
    return NumberParse::kNotFinite;
  }
  return NumberParse::kOk;
}

bool is_number(std::string_view cell) {
  double v = 0;
  return parse_number(cell, v) == NumberParse::kOk;
}

bool is_missing(std::string_view cell, const std::vector<std::string>& markers) {
  return cell.empty() || std::find(markers.begin(), markers.end(), cell) != markers.end();
}

std::string column_label(const CsvTable& table, std::size_t column) {
  if (column < table.header.size())
    return fmt::format("column '{}' ({})", table.header[column], column);
  return fmt::format("column {}", column);
}

void check_unique_header(const CsvTable& table, const std::string& source) {
  std::unordered_map<std::string_view, std::size_t> seen;
  for (std::size_t c = 0; c < table.header.size(); ++c) {
    const auto [it, added] = seen.emplace(table.header[c], c);
    if (!added)
      throw_data("{}:{}: the header names column '{}' twice (columns {} and {}); rename one",
                 source, table.header_line, table.header[c], it->second, c);
  }
}

}  // namespace scratchnet
