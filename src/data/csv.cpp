#include "scratchnet/data/csv.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <memory>
#include <system_error>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// ---------------------------------------------------------------------------
// Numbers

enum class NumberParse { kOk, kNotNumber, kNotFinite };

// Parses a whole cell as a float-representable finite number. Accepts what
// std::from_chars accepts (general format) plus one leading '+'.
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

bool is_number(std::string_view s) {
  double v = 0;
  return parse_number(s, v) == NumberParse::kOk;
}

// An integral value that fits a 32-bit class id range comfortably.
bool is_integer(double v) { return std::floor(v) == v && std::abs(v) < 2147483648.0; }

// ---------------------------------------------------------------------------
// Lines and fields

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// A line of the input: its text without the line ending and its 1-based number.
struct Line {
  std::string_view text;
  std::size_t number;
};

// The data lines of `text`: comments ('#' after optional blanks) and blank
// lines are dropped, a trailing '\r' is stripped from every line.
std::vector<Line> data_lines(std::string_view text) {
  std::vector<Line> lines;
  std::size_t number = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view trimmed = trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    lines.push_back({line, number});
  }
  return lines;
}

// The most frequent of ',', ';', '\t' outside double quotes (ties go to the
// earlier one), or ' ' (whitespace-separated) when none occurs.
char detect_delimiter(std::string_view line) {
  std::size_t comma = 0, semicolon = 0, tab = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++comma;
    if (c == ';') ++semicolon;
    if (c == '\t') ++tab;
  }
  if (comma == 0 && semicolon == 0 && tab == 0) return ' ';
  if (comma >= semicolon && comma >= tab) return ',';
  if (semicolon >= tab) return ';';
  return '\t';
}

// Reads a double-quoted field starting at line[pos] == '"'. On return pos is
// just past the closing quote.
std::string read_quoted(std::string_view line, std::size_t& pos, const std::string& source,
                        std::size_t number) {
  std::string field;
  ++pos;
  while (true) {
    if (pos >= line.size()) throw_data("{}:{}: unterminated quoted field", source, number);
    const char c = line[pos++];
    if (c != '"') {
      field.push_back(c);
    } else if (pos < line.size() && line[pos] == '"') {
      field.push_back('"');
      ++pos;
    } else {
      return field;
    }
  }
}

// Splits one line into trimmed fields. `delimiter` ' ' means runs of blanks.
std::vector<std::string> split_line(std::string_view line, char delimiter,
                                    const std::string& source, std::size_t number) {
  std::vector<std::string> fields;
  std::size_t pos = 0;
  const auto skip_blanks = [&] {
    while (pos < line.size() && is_blank(line[pos]) && line[pos] != delimiter) ++pos;
  };

  if (delimiter == ' ') {
    // Whitespace-separated: leading and trailing blanks are not fields.
    while (true) {
      while (pos < line.size() && is_blank(line[pos])) ++pos;
      if (pos >= line.size()) break;
      if (line[pos] == '"') {
        fields.push_back(read_quoted(line, pos, source, number));
        if (pos < line.size() && !is_blank(line[pos])) {
          throw_data("{}:{}: unexpected '{}' after a closing quote", source, number, line[pos]);
        }
      } else {
        const std::size_t start = pos;
        while (pos < line.size() && !is_blank(line[pos])) ++pos;
        fields.emplace_back(line.substr(start, pos - start));
      }
    }
    return fields;
  }

  bool last_was_quoted = false;
  while (true) {
    skip_blanks();
    if (pos < line.size() && line[pos] == '"') {
      fields.push_back(read_quoted(line, pos, source, number));
      last_was_quoted = true;
      skip_blanks();
      if (pos < line.size() && line[pos] != delimiter) {
        throw_data("{}:{}: unexpected '{}' after a closing quote", source, number, line[pos]);
      }
    } else {
      std::size_t end = line.find(delimiter, pos);
      if (end == std::string_view::npos) end = line.size();
      fields.emplace_back(trim(line.substr(pos, end - pos)));
      last_was_quoted = false;
      pos = end;
    }
    if (pos >= line.size()) break;
    ++pos;  // the delimiter
  }
  // One trailing empty field (a row ending in a delimiter) is dropped.
  if (fields.size() > 1 && !last_was_quoted && fields.back().empty()) fields.pop_back();
  return fields;
}

// Whether the first data line is a header: some field that is a number in the
// second line is not one in the first, or no field of the first is a number.
bool looks_like_header(const std::vector<std::string>& first,
                       const std::vector<std::string>* second) {
  const bool any_number =
      std::any_of(first.begin(), first.end(), [](const std::string& f) { return is_number(f); });
  if (!any_number) return true;
  if (second == nullptr) return false;
  const std::size_t n = std::min(first.size(), second->size());
  for (std::size_t i = 0; i < n; ++i) {
    if (is_number((*second)[i]) && !is_number(first[i])) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Columns

// "column 'x2' (2)" with a header, "column 2" without.
std::string column_label(const CsvTable& table, std::size_t column) {
  if (column < table.header.size())
    return fmt::format("column '{}' ({})", table.header[column], column);
  return fmt::format("column {}", column);
}

std::string join(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += separator;
    out += items[i];
  }
  return out;
}

std::size_t resolve_label_column(const CsvTable& table, std::size_t columns,
                                 const std::string& source, const std::string& label) {
  const std::string wanted(trim(label));
  if (wanted.empty() || wanted == "-1") return columns - 1;
  for (std::size_t i = 0; i < table.header.size(); ++i) {
    if (table.header[i] == wanted) return i;
  }
  long long index = 0;
  const char* end = wanted.data() + wanted.size();
  auto [ptr, ec] = std::from_chars(wanted.data(), end, index);
  if (ec == std::errc() && ptr == end) {
    if (index < 0 || static_cast<unsigned long long>(index) >= columns) {
      throw_usage("label column {} is out of range: '{}' has {} columns (0..{})", index, source,
                  columns, columns - 1);
    }
    return static_cast<std::size_t>(index);
  }
  if (table.header.empty()) {
    throw_usage(
        "label column '{}' not found: '{}' has no header row; give a 0-based column index "
        "(0..{}) or -1 for the last column",
        wanted, source, columns - 1);
  }
  throw_usage("label column '{}' not found in '{}'; available columns: {}", wanted, source,
              join(table.header, ", "));
}

[[noreturn]] void throw_bad_cell(const CsvTable& table, std::size_t row, std::size_t column,
                                 const std::string& source, NumberParse result,
                                 std::string_view what = {}) {
  throw_data("{}:{}: {}: '{}' is not a {}number{}", source, table.line_numbers[row],
             column_label(table, column), table.rows[row][column],
             result == NumberParse::kNotFinite ? "finite " : "", what);
}

}  // namespace

CsvTable parse_csv_table(std::string_view text, const std::string& source,
                         const CsvOptions& options) {
  const std::vector<Line> lines = data_lines(text);
  if (lines.empty()) throw_data("{}: no data rows", source);

  CsvTable table;
  table.delimiter = options.delimiter;
  if (table.delimiter == 0) table.delimiter = detect_delimiter(lines.front().text);
  if (table.delimiter == '\n' || table.delimiter == '\r' || table.delimiter == '"') {
    throw_usage("'{}' cannot be a CSV delimiter", table.delimiter == '"' ? "\"" : "newline");
  }

  std::vector<std::vector<std::string>> split;
  split.reserve(lines.size());
  for (const Line& line : lines) {
    split.push_back(split_line(line.text, table.delimiter, source, line.number));
  }

  bool has_header = options.header == HeaderMode::kYes;
  if (options.header == HeaderMode::kAuto) {
    has_header = looks_like_header(split[0], split.size() > 1 ? &split[1] : nullptr);
  }

  const std::size_t expected = split[0].size();
  for (std::size_t i = 0; i < split.size(); ++i) {
    if (split[i].size() != expected) {
      throw_data("{}:{}: expected {} fields, found {} (ragged row)", source, lines[i].number,
                 expected, split[i].size());
    }
  }

  std::size_t first_row = 0;
  if (has_header) {
    table.header = std::move(split[0]);
    first_row = 1;
  }
  if (first_row >= split.size()) throw_data("{}: no data rows (only a header)", source);
  table.rows.reserve(split.size() - first_row);
  table.line_numbers.reserve(split.size() - first_row);
  for (std::size_t i = first_row; i < split.size(); ++i) {
    table.rows.push_back(std::move(split[i]));
    table.line_numbers.push_back(lines[i].number);
  }
  return table;
}

Dataset table_to_dataset(const CsvTable& table, const std::string& source,
                         const CsvOptions& options) {
  if (table.rows.empty()) throw_data("{}: no data rows", source);
  SCRATCHNET_CHECK(table.line_numbers.size() == table.rows.size(), "{} rows but {} line numbers",
                   table.rows.size(), table.line_numbers.size());
  const std::size_t columns = table.rows.front().size();
  SCRATCHNET_CHECK(table.header.empty() || table.header.size() == columns,
                   "{}: header has {} names for {} columns", source, table.header.size(), columns);
  if (columns < 2) {
    throw_data("{}: found {} column; need at least one feature column and a label column", source,
               columns);
  }
  const std::size_t label_column = resolve_label_column(table, columns, source, options.label);
  const std::size_t rows = table.rows.size();
  const std::size_t d = columns - 1;

  Dataset data;
  data.name = source;
  data.sample_shape = Shape{d};
  if (!table.header.empty()) {
    for (std::size_t c = 0; c < columns; ++c) {
      if (c != label_column) data.feature_names.push_back(table.header[c]);
    }
  }

  // Features: every cell but the label must be a finite number.
  data.features.resize(rows * d);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto& row = table.rows[r];
    SCRATCHNET_CHECK(row.size() == columns, "row {} has {} fields, expected {}", r, row.size(),
                     columns);
    float* out = data.features.data() + r * d;
    for (std::size_t c = 0; c < columns; ++c) {
      if (c == label_column) continue;
      double v = 0;
      const NumberParse result = parse_number(row[c], v);
      if (result != NumberParse::kOk) throw_bad_cell(table, r, c, source, result);
      *out++ = static_cast<float>(v);
    }
  }

  // Labels: numbers where they parse, to choose the task and sort classes.
  std::vector<double> values(rows, 0.0);
  bool all_numbers = true, all_integers = true;
  for (std::size_t r = 0; r < rows; ++r) {
    const NumberParse result = parse_number(table.rows[r][label_column], values[r]);
    if (result != NumberParse::kOk) {
      all_numbers = all_integers = false;
    } else if (!is_integer(values[r])) {
      all_integers = false;
    }
  }

  Task task = Task::kClassification;
  if (options.task == TaskMode::kRegression) task = Task::kRegression;
  if (options.task == TaskMode::kAuto && all_numbers && !all_integers) task = Task::kRegression;
  data.task = task;

  if (task == Task::kRegression) {
    data.target_dim = 1;
    data.targets.resize(rows);
    for (std::size_t r = 0; r < rows; ++r) {
      const NumberParse result = parse_number(table.rows[r][label_column], values[r]);
      if (result != NumberParse::kOk) {
        throw_bad_cell(table, r, label_column, source, result, " (regression target)");
      }
      data.targets[r] = static_cast<float>(values[r]);
    }
    return data;
  }

  // Classification: class names in sorted order (integers numerically).
  data.labels.resize(rows);
  if (all_integers) {
    std::map<long long, std::int32_t> ids;
    for (double v : values) ids.emplace(static_cast<long long>(v), 0);
    std::int32_t next = 0;
    for (auto& [value, id] : ids) {
      id = next++;
      data.class_names.push_back(fmt::format("{}", value));
    }
    for (std::size_t r = 0; r < rows; ++r)
      data.labels[r] = ids.at(static_cast<long long>(values[r]));
  } else {
    std::map<std::string, std::int32_t> ids;
    for (std::size_t r = 0; r < rows; ++r) {
      const std::string& name = table.rows[r][label_column];
      if (name.empty()) {
        throw_data("{}:{}: {}: empty class label", source, table.line_numbers[r],
                   column_label(table, label_column));
      }
      ids.emplace(name, 0);
    }
    std::int32_t next = 0;
    for (auto& [name, id] : ids) {
      id = next++;
      data.class_names.push_back(name);
    }
    for (std::size_t r = 0; r < rows; ++r) data.labels[r] = ids.at(table.rows[r][label_column]);
  }
  return data;
}

std::vector<float> table_columns(const CsvTable& table, const std::vector<std::size_t>& columns,
                                 const std::string& source) {
  std::vector<float> values;
  values.reserve(table.rows.size() * columns.size());
  for (std::size_t r = 0; r < table.rows.size(); ++r) {
    for (std::size_t c : columns) {
      SCRATCHNET_CHECK(c < table.rows[r].size(), "column {} of a {}-field row", c, table.rows[r].size());
      double v = 0;
      const NumberParse result = parse_number(table.rows[r][c], v);
      if (result != NumberParse::kOk) throw_bad_cell(table, r, c, source, result);
      values.push_back(static_cast<float>(v));
    }
  }
  return values;
}

std::string read_text_file(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw_data("cannot open '{}': {}", path, std::generic_category().message(EISDIR));
  }
  std::string text;
  const bool gz = path.size() >= 3 && path.compare(path.size() - 3, 3, ".gz") == 0;
  if (gz) {
    errno = 0;
    gzFile file = gzopen(path.c_str(), "rb");
    if (file == nullptr) {
      const int err = errno;
      throw_data("cannot open '{}': {}", path,
                 err ? std::generic_category().message(err) : std::string("out of memory"));
    }
    std::unique_ptr<gzFile_s, int (*)(gzFile)> guard(file, gzclose);
    char buffer[1 << 16];
    while (true) {
      const int n = gzread(file, buffer, sizeof(buffer));
      if (n < 0) {
        int code = 0;
        const char* message = gzerror(file, &code);
        throw_data("cannot read '{}': {}", path, message ? message : "zlib error");
      }
      if (n == 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    // A truncated gzip stream reads as a short file; gzerror reports it.
    int code = 0;
    const char* message = gzerror(file, &code);
    if (code != Z_OK && code != Z_STREAM_END) {
      throw_data("cannot read '{}': {}", path, message ? message : "zlib error");
    }
    return text;
  }

  errno = 0;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) {
    throw_data("cannot open '{}': {}", path, std::generic_category().message(errno));
  }
  const auto close = [](std::FILE* f) { std::fclose(f); };
  std::unique_ptr<std::FILE, decltype(close)> guard(file, close);
  char buffer[1 << 16];
  while (true) {
    const std::size_t n = std::fread(buffer, 1, sizeof(buffer), file);
    text.append(buffer, n);
    if (n < sizeof(buffer)) break;
  }
  if (std::ferror(file)) {
    throw_data("cannot read '{}': {}", path, std::generic_category().message(errno));
  }
  return text;
}

Dataset load_csv(const std::string& path, const CsvOptions& options) {
  const std::string text = read_text_file(path);
  const CsvTable table = parse_csv_table(text, path, options);
  return table_to_dataset(table, path, options);
}

HeaderMode parse_header_mode(const std::string& text, const std::string& key) {
  if (text == "auto") return HeaderMode::kAuto;
  if (text == "yes") return HeaderMode::kYes;
  if (text == "no") return HeaderMode::kNo;
  throw_usage("{}: '{}' is not one of: auto, yes, no", key, text);
}

std::string to_string(HeaderMode mode) {
  return mode == HeaderMode::kYes ? "yes" : mode == HeaderMode::kNo ? "no" : "auto";
}

}  // namespace scratchnet
