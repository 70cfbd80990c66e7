#include "scratchnet/data/tabular.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <system_error>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/cells.h"
#include "scratchnet/data/column_statistics.h"
#include "scratchnet/core/binary.h"

namespace scratchnet {
namespace {

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

[[noreturn]] void throw_stray_word(const CsvTable& table, std::size_t row, std::size_t column,
                                   const std::string& source) {
  throw_data(
      "{}:{}: {}: '{}' is not a number; if it marks a missing value, add it to data.missing; if "
      "the column holds categories, list it in data.categorical",
      source, table.line_numbers[row], column_label(table, column), table.rows[row][column]);
}

[[noreturn]] void throw_not_finite(const CsvTable& table, std::size_t row, std::size_t column,
                                   const std::string& source) {
  throw_data("{}:{}: {}: '{}' is not a finite number", source, table.line_numbers[row],
             column_label(table, column), table.rows[row][column]);
}

// The value of a numeric cell that is not missing; data errors otherwise.
double numeric_cell(const CsvTable& table, std::size_t row, std::size_t column,
                    const std::string& source) {
  double v = 0;
  switch (parse_number(table.rows[row][column], v)) {
    case NumberParse::kOk:
      return v;
    case NumberParse::kNotFinite:
      throw_not_finite(table, row, column, source);
    case NumberParse::kNotNumber:
      break;
  }
  throw_stray_word(table, row, column, source);
}

// The columns a list of the options names (`key` is the setting, for
// messages): header names, or 0-based positions.
std::set<std::size_t> named_columns(const CsvTable& table, std::size_t width,
                                    std::size_t label_column, const std::vector<std::string>& names,
                                    std::string_view key, const std::string& source) {
  std::set<std::size_t> columns;
  for (const std::string& name : names) {
    std::size_t found = width;
    const auto it = std::find(table.header.begin(), table.header.end(), name);
    if (it != table.header.end()) {
      found = static_cast<std::size_t>(it - table.header.begin());
    } else {
      std::size_t index = 0;
      const char* end = name.data() + name.size();
      auto [ptr, ec] = std::from_chars(name.data(), end, index);
      if (!name.empty() && ec == std::errc() && ptr == end && index < width) found = index;
    }
    if (found == width) {
      if (table.header.empty())
        throw_usage("{}: no column '{}' in '{}', which has no header: give 0-based positions (0..{})",
                    key, name, source, width - 1);
      throw_usage("{}: no column '{}' in '{}'; its columns are: {}", key, name, source,
                  fmt::join(table.header, ", "));
    }
    if (found == label_column)
      throw_usage("{}: '{}' is the label column of '{}'", key, name, source);
    columns.insert(found);
  }
  return columns;
}

}  // namespace

std::string TabularRows::unseen_summary(const std::vector<TabularColumn>& columns) const {
  std::string out;
  for (std::size_t k = 0; k < unseen_by_column.size() && k < columns.size(); ++k) {
    if (unseen_by_column[k] == 0) continue;
    out += fmt::format("{}{}: {}", out.empty() ? "" : ", ", columns[k].name, unseen_by_column[k]);
  }
  return out;
}

TabularPipeline TabularPipeline::fit(const CsvTable& table, std::size_t label_column,
                                     std::span<const std::size_t> rows,
                                     const TabularOptions& options, const std::string& source) {
  const std::size_t width = table.rows.empty() ? table.header.size() : table.rows.front().size();
  SCRATCHNET_CHECK(label_column < width, "label column {} of {}", label_column, width);
  if (rows.empty()) throw_data("{}: no training rows to fit the columns to", source);
  check_unique_header(table, source);

  TabularPipeline p;
  p.has_header_ = !table.header.empty();
  p.training_width_ = width;
  p.label_position_ = label_column;
  p.label_name_ = p.has_header_ ? table.header[label_column] : std::string();
  p.missing_markers_ = options.missing;
  p.impute_ = options.impute;

  const auto categorical =
      named_columns(table, width, label_column, options.categorical, "data.categorical", source);
  const auto numeric =
      named_columns(table, width, label_column, options.numeric, "data.numeric", source);
  const auto dropped = named_columns(table, width, label_column, options.drop, "data.drop", source);
  for (std::size_t c : categorical) {
    if (numeric.count(c))
      throw_usage("{} of '{}' is in both data.categorical and data.numeric",
                  column_label(table, c), source);
  }

  for (std::size_t c = 0; c < width; ++c) {
    const std::string name = p.has_header_ ? table.header[c] : std::to_string(c);
    if (c == label_column) continue;
    if (dropped.count(c)) {
      p.dropped_columns_.push_back(name);
      continue;
    }
    TabularColumn column;
    column.name = name;
    column.position = c;

    // What the training cells are: missing, numbers, words.
    std::size_t words = 0;
    for (std::size_t r : rows) {
      SCRATCHNET_CHECK(r < table.rows.size(), "row {} of {}", r, table.rows.size());
      const std::string& cell = table.rows[r][c];
      if (is_missing(cell, options.missing)) {
        ++column.missing;
        continue;
      }
      double v = 0;
      if (parse_number(cell, v) == NumberParse::kNotNumber) ++words;
    }
    const std::size_t present = rows.size() - column.missing;
    if (present == 0)
      throw_data(
          "{}: {} has no value in the {} training rows (every cell is empty or a missing-value "
          "marker); drop it with data.drop",
          source, column_label(table, c), rows.size());
    const bool is_categorical =
        categorical.count(c) > 0 || (numeric.count(c) == 0 && 2 * words >= present);

    if (is_categorical) {
      column.kind = TabularColumn::Kind::kCategorical;
      std::vector<std::string_view> cells;
      cells.reserve(present);
      for (std::size_t r : rows) {
        const std::string& cell = table.rows[r][c];
        if (!is_missing(cell, options.missing)) cells.push_back(cell);
      }
      CategoryCounts counts = count_categories(cells);
      if (counts.categories.size() > options.max_categories)
        throw_data(
            "{}: {} has {} distinct values in the training rows, more than data.max_categories = "
            "{}: if it holds numbers declare it in data.numeric, if it is an identifier drop it "
            "with data.drop (or raise data.max_categories)",
            source, column_label(table, c), counts.categories.size(), options.max_categories);
      column.fill_category = counts.most_frequent;
      column.categories = std::move(counts.categories);
    } else {
      std::vector<double> values;
      values.reserve(present);
      for (std::size_t r : rows) {
        if (!is_missing(table.rows[r][c], options.missing))
          values.push_back(numeric_cell(table, r, c, source));
      }
      column.fill = impute_value(std::move(values), options.impute);
    }
    column.indicator = options.missing_indicator && column.missing > 0;
    p.columns_.push_back(std::move(column));
  }
  if (p.columns_.empty())
    throw_data("{}: no feature columns left besides the label{}", source,
               p.dropped_columns_.empty() ? "" : " (the others are in data.drop)");
  return p;
}

std::vector<std::size_t> TabularPipeline::locate(const CsvTable& table,
                                                 const std::string& source) const {
  std::vector<std::size_t> positions;
  positions.reserve(columns_.size());
  if (has_header_ && !table.header.empty()) {
    for (const TabularColumn& column : columns_) {
      const auto first = std::find(table.header.begin(), table.header.end(), column.name);
      if (first == table.header.end()) {
        std::vector<std::string> needed;
        for (const TabularColumn& c : columns_) needed.push_back(c.name);
        throw_data("{}: no column '{}' in the header; the model reads the columns {}", source,
                   column.name, fmt::join(needed, ", "));
      }
      if (std::find(first + 1, table.header.end(), column.name) != table.header.end())
        throw_data("{}:{}: the header names column '{}' twice; rename one", source,
                   table.header_line, column.name);
      positions.push_back(static_cast<std::size_t>(first - table.header.begin()));
    }
    return positions;
  }
  // By position: the training layout, with or without the label column.
  const std::size_t width = table.rows.empty() ? table.header.size() : table.rows.front().size();
  const bool with_label = width == training_width_;
  if (!with_label && width + 1 != training_width_) {
    std::string hint;
    if (has_header_) {
      std::vector<std::string> needed;
      for (const TabularColumn& c : columns_) needed.push_back(c.name);
      hint = fmt::format("; a header row naming the columns ({}) lets them come in any order",
                         fmt::join(needed, ", "));
    }
    throw_data("{}: rows have {} fields; the model reads a table of {} columns, or {} without the "
               "label{}",
               source, width, training_width_, training_width_ - 1, hint);
  }
  for (const TabularColumn& column : columns_) {
    positions.push_back(with_label || column.position < label_position_ ? column.position
                                                                         : column.position - 1);
  }
  return positions;
}

TabularRows TabularPipeline::transform(const CsvTable& table, std::span<const std::size_t> rows,
                                       const std::string& source) const {
  SCRATCHNET_CHECK(!columns_.empty(), "transform with a pipeline that was never fitted");
  const std::vector<std::size_t> positions = locate(table, source);
  const std::size_t width = output_width();

  // Category -> output index, per categorical column.
  std::vector<std::unordered_map<std::string_view, std::size_t>> lookup(columns_.size());
  for (std::size_t k = 0; k < columns_.size(); ++k) {
    for (std::size_t i = 0; i < columns_[k].categories.size(); ++i)
      lookup[k].emplace(columns_[k].categories[i], i);
  }

  TabularRows out;
  out.rows = rows.size();
  out.features.assign(rows.size() * width, 0.0f);
  out.unseen_by_column.assign(columns_.size(), 0);
  std::size_t indicators_start = 0;
  for (const TabularColumn& c : columns_) indicators_start += c.width();

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const std::size_t r = rows[i];
    SCRATCHNET_CHECK(r < table.rows.size(), "row {} of {}", r, table.rows.size());
    float* o = out.features.data() + i * width;
    std::size_t offset = 0, indicator = indicators_start;
    for (std::size_t k = 0; k < columns_.size(); ++k) {
      const TabularColumn& column = columns_[k];
      const std::size_t at = positions[k];
      const std::string& cell = table.rows[r][at];
      const bool missing = is_missing(cell, missing_markers_);
      if (column.kind == TabularColumn::Kind::kNumeric) {
        o[offset] = static_cast<float>(missing ? column.fill : numeric_cell(table, r, at, source));
      } else if (missing) {
        o[offset + column.fill_category] = 1.0f;
      } else if (const auto it = lookup[k].find(cell); it != lookup[k].end()) {
        o[offset + it->second] = 1.0f;
      } else {
        ++out.unseen_by_column[k];
        ++out.unseen;
      }
      offset += column.width();
      if (column.indicator) o[indicator++] = missing ? 1.0f : 0.0f;
    }
  }
  return out;
}

TabularRows TabularPipeline::transform(const CsvTable& table, const std::string& source) const {
  std::vector<std::size_t> all(table.rows.size());
  for (std::size_t r = 0; r < all.size(); ++r) all[r] = r;
  return transform(table, all, source);
}

std::size_t TabularPipeline::output_width() const {
  std::size_t width = 0;
  for (const TabularColumn& c : columns_) width += c.width() + (c.indicator ? 1 : 0);
  return width;
}

std::vector<std::string> TabularPipeline::output_names() const {
  std::vector<std::string> names, indicators;
  for (const TabularColumn& c : columns_) {
    if (c.kind == TabularColumn::Kind::kNumeric) {
      names.push_back(c.name);
    } else {
      for (const std::string& category : c.categories) names.push_back(c.name + "=" + category);
    }
    if (c.indicator) indicators.push_back(c.name + " missing");
  }
  names.insert(names.end(), indicators.begin(), indicators.end());
  return names;
}

std::vector<bool> TabularPipeline::scaled_outputs() const {
  std::vector<bool> scaled;
  for (const TabularColumn& c : columns_) {
    scaled.insert(scaled.end(), c.width(), c.kind == TabularColumn::Kind::kNumeric);
  }
  scaled.resize(output_width(), false);  // the indicators
  return scaled;
}

std::string TabularPipeline::describe() const {
  std::size_t numeric = 0, numeric_missing = 0, categorical = 0, categorical_missing = 0,
              one_hot = 0, indicators = 0;
  for (const TabularColumn& c : columns_) {
    if (c.kind == TabularColumn::Kind::kNumeric) {
      ++numeric;
      numeric_missing += c.missing > 0;
    } else {
      ++categorical;
      categorical_missing += c.missing > 0;
      one_hot += c.categories.size();
    }
    indicators += c.indicator;
  }
  std::vector<std::string> parts;
  if (numeric > 0) {
    parts.push_back(fmt::format("{} numeric", numeric));
    if (numeric_missing > 0)
      parts.back() += fmt::format(" ({} with missing cells, {})", numeric_missing, to_string(impute_));
  }
  if (categorical > 0) {
    parts.push_back(fmt::format("{} categorical -> {} one-hot", categorical, one_hot));
    if (categorical_missing > 0)
      parts.back() += fmt::format(" ({} with missing cells, most frequent)", categorical_missing);
  }
  if (indicators > 0) parts.push_back(plural(indicators, "missing indicator"));
  std::string text = fmt::format("{} = {}", fmt::join(parts, ", "), plural(output_width(), "feature"));
  if (!dropped_columns_.empty())
    text += fmt::format("; dropped {}: {}", dropped_columns_.size() == 1 ? "column" : "columns",
                        fmt::join(dropped_columns_, ", "));
  if (dropped_rows_ > 0)
    text += fmt::format("; {} dropped: missing label", plural(dropped_rows_, "row"));
  return text;
}

std::string TabularPipeline::details() const {
  std::size_t name_width = 6;
  for (const TabularColumn& c : columns_) name_width = std::max(name_width, c.name.size());
  std::string text;
  for (const TabularColumn& c : columns_) {
    const std::string missing =
        c.missing == 0 ? std::string()
                       : fmt::format("; {} missing -> {}", c.missing,
                                     c.kind == TabularColumn::Kind::kNumeric
                                         ? fmt::format("{:.6g}", c.fill)
                                         : c.categories[c.fill_category]);
    if (c.kind == TabularColumn::Kind::kNumeric) {
      text += fmt::format("  {:<{}}  numeric{}{}\n", c.name, name_width, missing,
                          c.indicator ? ", indicator" : "");
    } else {
      text += fmt::format("  {:<{}}  categorical ({}): {}{}{}\n", c.name, name_width,
                          c.categories.size(), fmt::join(c.categories, ", "), missing,
                          c.indicator ? ", indicator" : "");
    }
  }
  return text;
}

}  // namespace scratchnet
