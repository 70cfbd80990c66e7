#pragma once
// CSV reading for any table a user brings.
//
// Rules (all exercised by tests/data/csv_test.cpp):
// - Lines starting with '#' (after optional spaces) and blank lines are skipped;
//   a trailing '\r' is stripped from every line (mixed CRLF/LF files work).
// - Delimiter: given, or detected from the first data line: the most frequent
//   of ',', ';', '\t'; if none occurs, runs of spaces/tabs separate fields.
// - Each field is trimmed of surrounding spaces and tabs. One trailing empty
//   field (a row ending in a delimiter, as in AReM cycling/dataset9.csv) is
//   dropped. Whitespace-separated rows ignore leading/trailing whitespace.
// - Header: given (kYes/kNo) or detected (kAuto): the first data line is a
//   header when some field that parses as a number in the second line does
//   not parse in the first, or when no field of the first line is a number.
// - Double-quoted fields ("a,b") are supported; "" inside quotes is a quote.
// - Every row must have the same number of fields; cells must be finite numbers
//   except in the label column. Errors name file:line, column and the cell.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/data/dataset.h"

namespace scratchnet {

enum class HeaderMode { kAuto, kYes, kNo };
enum class TaskMode { kAuto, kClassification, kRegression };

struct CsvOptions {
  char delimiter = 0;                     // 0 = detect
  HeaderMode header = HeaderMode::kAuto;
  // Label column: a header name, a 0-based index ("0", "3"), or "-1"/"" for
  // the last column.
  std::string label;
  // kAuto: regression when every label parses as a number and some label is
  // not an integer; classification otherwise.
  TaskMode task = TaskMode::kAuto;
};

// A parsed table of strings: the header (may be empty) and the rows, with the
// 1-based line number of each row in the source for error messages.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_numbers;
  char delimiter = ',';                   // the one used (' ' for whitespace)
};

// Splits `text` into a table. `source` names the input in error messages.
CsvTable parse_csv_table(std::string_view text, const std::string& source, const CsvOptions& options);

// Turns a table into a Dataset: the label column becomes labels (string or
// integer class names mapped to ids in sorted order; integers sorted
// numerically) or regression targets; every other column must be numeric.
Dataset table_to_dataset(const CsvTable& table, const std::string& source, const CsvOptions& options);

// The numbers in `columns` of every row, row-major (rows x columns.size()).
// Throws a data error naming file:line and the column for a cell that is not
// a finite number.
std::vector<float> table_columns(const CsvTable& table, const std::vector<std::size_t>& columns,
                                 const std::string& source);

// Reads a whole file; files ending in ".gz" are decompressed (zlib).
// Throws a data error naming the path when it cannot be read.
std::string read_text_file(const std::string& path);

// "auto" | "yes" | "no", and back; a usage error naming `key` and the choices.
HeaderMode parse_header_mode(const std::string& text, const std::string& key);
std::string to_string(HeaderMode mode);

// read_text_file + parse_csv_table + table_to_dataset.
Dataset load_csv(const std::string& path, const CsvOptions& options);

}  // namespace scratchnet
