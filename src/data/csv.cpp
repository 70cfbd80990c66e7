#include "scratchnet/data/csv.h"

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

#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/cells.h"

namespace scratchnet {
namespace {

bool is_integer(double v) { return std::floor(v) == v && std::abs(v) < 2147483648.0; }

// ---------------------------------------------------------------------------
// Records

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
  return s;
}

// One row of the input: its fields, the line it starts on, and what the
// width rules need to know about its end.
struct Record {
  std::vector<std::string> fields;
  std::size_t line = 0;       // 1-based, where the row starts
  std::size_t last_line = 0;  // where it ends (later when a quoted field holds newlines)
  bool trailing_empty = false;  // ends in a delimiter: an unquoted empty last field
  bool all_empty = false;       // every field empty and unquoted (",,,")
};

// Reads the text of `text` record by record. Blank and comment lines are
// skipped between records, never inside a quoted field.
class RecordReader {
 public:
  RecordReader(std::string_view text, char delimiter, const std::string& source)
      : text_(text), delimiter_(delimiter), source_(source) {}

  // The next record, or false at the end of the text.
  bool next(Record& record) {
    while (pos_ < text_.size()) {
      std::size_t eol = text_.find('\n', pos_);
      if (eol == std::string_view::npos) eol = text_.size();
      const std::string_view line = trim(without_cr(text_.substr(pos_, eol - pos_)));
      if (!line.empty() && line.front() != '#') {
        read_record(record);
        return true;
      }
      pos_ = eol + 1;
      ++line_;
    }
    return false;
  }

 private:
  static std::string_view without_cr(std::string_view s) {
    if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
    return s;
  }
  bool at_end() const { return pos_ >= text_.size(); }
  // At "\n", "\r\n", a '\r' closing the text, or the end of the text.
  bool at_line_end() const {
    if (at_end() || text_[pos_] == '\n') return true;
    return text_[pos_] == '\r' && (pos_ + 1 == text_.size() || text_[pos_ + 1] == '\n');
  }
  // Blanks before or after a field (a tab delimiter is not one).
  void skip_blanks() {
    while (!at_end() && is_blank(text_[pos_]) && (delimiter_ == ' ' || text_[pos_] != delimiter_))
      ++pos_;
  }

  // A double-quoted field starting at text_[pos_] == '"'; pos_ ends just past
  // the closing quote. Newlines inside are kept (CRLF as "\n") and counted.
  std::string read_quoted() {
    const std::size_t opened = line_;
    std::string field;
    ++pos_;
    while (true) {
      if (at_end()) throw_data("{}:{}: unterminated quoted field", source_, opened);
      const char c = text_[pos_++];
      if (c == '"') {
        if (at_end() || text_[pos_] != '"') return field;
        field.push_back('"');
        ++pos_;
      } else if (c == '\n') {
        if (!field.empty() && field.back() == '\r') field.pop_back();
        field.push_back('\n');
        ++line_;
      } else {
        field.push_back(c);
      }
    }
  }

  void expect_field_end(bool whitespace) {
    if (at_line_end()) return;
    const char c = text_[pos_];
    if (whitespace ? is_blank(c) : c == delimiter_) return;
    throw_data("{}:{}: unexpected '{}' after a closing quote", source_, line_, c);
  }

  // An unquoted field: up to the delimiter (or a blank, whitespace-separated)
  // or the end of the line, trimmed.
  std::string_view read_plain(bool whitespace) {
    const std::size_t start = pos_;
    while (!at_line_end()) {
      const char c = text_[pos_];
      if (whitespace ? is_blank(c) : c == delimiter_) break;
      ++pos_;
    }
    return trim(without_cr(text_.substr(start, pos_ - start)));
  }

  void read_record(Record& record) {
    record = Record{};
    record.line = line_;
    const bool whitespace = delimiter_ == ' ';
    bool last_quoted = false, any_quoted = false;
    while (true) {
      skip_blanks();
      if (whitespace && at_line_end()) break;  // trailing blanks are no field
      last_quoted = !at_end() && text_[pos_] == '"';
      if (last_quoted) {
        any_quoted = true;
        record.fields.push_back(read_quoted());
        if (!whitespace) skip_blanks();
        expect_field_end(whitespace);
      } else {
        record.fields.emplace_back(read_plain(whitespace));
      }
      if (whitespace) continue;
      if (at_line_end()) break;
      ++pos_;  // the delimiter: another field follows, maybe empty
    }
    record.last_line = line_;
    if (!at_end() && text_[pos_] == '\r') ++pos_;
    if (!at_end() && text_[pos_] == '\n') {
      ++pos_;
      ++line_;
    }
    record.trailing_empty =
        !whitespace && record.fields.size() > 1 && !last_quoted && record.fields.back().empty();
    record.all_empty = !any_quoted && std::all_of(record.fields.begin(), record.fields.end(),
                                                  [](const std::string& f) { return f.empty(); });
  }

  std::string_view text_;
  char delimiter_;
  const std::string& source_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
};

// The most frequent of ',', ';', '\t' outside double quotes in the first data
// line (ties go to the earlier one), or ' ' (whitespace-separated) when none
// occurs.
char detect_delimiter(std::string_view text) {
  std::size_t pos = 0;
  std::string_view line;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = trim(line);
    pos = end + 1;
    if (!line.empty() && line.front() != '#') break;
    line = {};
  }
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

// Applies the width rules (see csv.h) and checks every row against the width.
void fix_width(std::vector<Record>& records, const std::string& source) {
  const Record& first = records.front();
  std::size_t width = first.fields.size();
  if (first.trailing_empty) {
    const bool narrower_fits =
        std::all_of(records.begin(), records.end(), [&](const Record& r) {
          return r.fields.size() + 1 == width || (r.fields.size() == width && r.trailing_empty);
        });
    if (narrower_fits) --width;
  }
  for (Record& r : records) {
    if (r.fields.size() == width + 1 && r.trailing_empty) r.fields.pop_back();
    if (r.fields.size() != width) {
      throw_data("{}:{}: expected {} fields, found {} (ragged row{})", source, r.line, width,
                 r.fields.size(),
                 r.last_line > r.line
                     ? fmt::format(": a quoted field carries it on to line {}", r.last_line)
                     : std::string());
    }
  }
}

// Whether the first data line is a header: some field that is a number in the
// second line is not one in the first (missing-value markers aside), or no
// field of the first is a number.
bool looks_like_header(const std::vector<std::string>& first,
                       const std::vector<std::string>* second,
                       const std::vector<std::string>& missing) {
  const bool any_number =
      std::any_of(first.begin(), first.end(), [](const std::string& f) { return is_number(f); });
  if (!any_number) return true;
  if (second == nullptr) return false;
  const std::size_t n = std::min(first.size(), second->size());
  for (std::size_t i = 0; i < n; ++i) {
    if (is_number((*second)[i]) && !is_number(first[i]) && !is_missing(first[i], missing))
      return true;
  }
  return false;
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
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark)
    text.remove_prefix(kByteOrderMark.size());

  CsvTable table;
  table.delimiter = options.delimiter;
  if (table.delimiter == 0) table.delimiter = detect_delimiter(text);
  if (table.delimiter == '\n' || table.delimiter == '\r' || table.delimiter == '"') {
    throw_usage("'{}' cannot be a CSV delimiter", table.delimiter == '"' ? "\"" : "newline");
  }

  std::vector<Record> records;
  RecordReader reader(text, table.delimiter, source);
  for (Record record; reader.next(record);) records.push_back(std::move(record));
  // Rows of empty fields at the end (",,,") are what spreadsheets leave behind.
  while (!records.empty() && records.back().all_empty) records.pop_back();
  if (records.empty()) throw_data("{}: no data rows", source);
  fix_width(records, source);

  bool has_header = options.header == HeaderMode::kYes;
  if (options.header == HeaderMode::kAuto) {
    has_header = looks_like_header(records[0].fields,
                                   records.size() > 1 ? &records[1].fields : nullptr,
                                   options.tabular.missing);
  }

  std::size_t first_row = 0;
  if (has_header) {
    table.header = std::move(records[0].fields);
    table.header_line = records[0].line;
    first_row = 1;
  }
  if (first_row >= records.size()) throw_data("{}: no data rows (only a header)", source);
  table.rows.reserve(records.size() - first_row);
  table.line_numbers.reserve(records.size() - first_row);
  for (std::size_t i = first_row; i < records.size(); ++i) {
    table.rows.push_back(std::move(records[i].fields));
    table.line_numbers.push_back(records[i].line);
  }
  return table;
}

std::size_t label_column_index(const CsvTable& table, const std::string& label,
                               const std::string& source) {
  const std::size_t columns = table.rows.empty() ? table.header.size() : table.rows.front().size();
  SCRATCHNET_CHECK(columns > 0, "{}: a table without columns", source);
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
              fmt::join(table.header, ", "));
}

Dataset table_labels(const CsvTable& table, std::size_t label_column, TaskMode task_mode,
                     const std::string& source) {
  const std::size_t rows = table.rows.size();
  Dataset data;
  data.name = source;
  data.sample_shape = Shape{0};

  // Numbers where they parse, to choose the task and sort classes.
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
  if (task_mode == TaskMode::kRegression) task = Task::kRegression;
  if (task_mode == TaskMode::kAuto && all_numbers && !all_integers) task = Task::kRegression;
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
  const std::size_t label_column = label_column_index(table, options.label, source);
  const std::size_t rows = table.rows.size();
  const std::size_t d = columns - 1;

  // Features: every cell but the label must be a finite number.
  std::vector<float> features(rows * d);
  for (std::size_t r = 0; r < rows; ++r) {
    const auto& row = table.rows[r];
    SCRATCHNET_CHECK(row.size() == columns, "row {} has {} fields, expected {}", r, row.size(),
                     columns);
    float* out = features.data() + r * d;
    for (std::size_t c = 0; c < columns; ++c) {
      if (c == label_column) continue;
      double v = 0;
      const NumberParse result = parse_number(row[c], v);
      if (result != NumberParse::kOk) throw_bad_cell(table, r, c, source, result);
      *out++ = static_cast<float>(v);
    }
  }

  Dataset data = table_labels(table, label_column, options.task, source);
  data.sample_shape = Shape{d};
  data.features = std::move(features);
  if (!table.header.empty()) {
    for (std::size_t c = 0; c < columns; ++c) {
      if (c != label_column) data.feature_names.push_back(table.header[c]);
    }
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

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace scratchnet
