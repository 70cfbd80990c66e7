#pragma once
// CSV reading for any table a user brings.
//
// Rules (all exercised by tests/data/csv_test.cpp):
// - A UTF-8 byte-order mark at the start is skipped. Lines starting with '#'
//   (after optional spaces) and blank lines are skipped; a trailing '\r' is
//   stripped from every line (mixed CRLF/LF files work). Rows whose every
//   field is empty (",,," as spreadsheets write them) at the end are dropped.
// - Delimiter: given, or detected from the first data line: the most frequent
//   of ',', ';', '\t' outside quotes; if none occurs, runs of spaces/tabs
//   separate fields.
// - Each field is trimmed of surrounding spaces and tabs. Whitespace-separated
//   rows ignore leading/trailing whitespace.
// - Double-quoted fields ("a,b") may hold delimiters, newlines (the row then
//   spans lines; a CRLF inside becomes "\n") and "" for a quote. A row's line
//   number is the line it starts on; an unterminated quote names the line
//   where it opened.
// - Width: every row has the first row's number of fields. A row ending in a
//   delimiter (unquoted empty last field) that is one field wider than that
//   has its last field dropped (AReM cycling/dataset9.csv ends its last row
//   with ','); when the first row itself ends in a delimiter and every row
//   fits one field less, that is the width (rows terminated by delimiters).
//   Otherwise a trailing empty field is a field (RFC 4180: "a,b," has three).
// - Header: given (kYes/kNo) or detected (kAuto): the first data line is a
//   header when some field that parses as a number in the second line does
//   not parse in the first (a missing-value marker in the first line does not
//   count), or when no field of the first line is a number.
// - table_to_dataset: cells must be finite numbers except in the label
//   column. Errors name file:line, column and the cell. Tables with missing
//   cells and words go through data/tabular.h instead.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/binary.h"  // read_text_file
#include "scratchnet/data/dataset.h"
#include "scratchnet/data/tabular_options.h"

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
  // Missing values, categories, dropped columns (data/tabular.h); the
  // missing-value markers also keep header detection right.
  TabularOptions tabular;
};

// A parsed table of strings: the header (may be empty) and the rows, with the
// 1-based line number of each row in the source for error messages.
struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<std::size_t> line_numbers;
  char delimiter = ',';                   // the one used (' ' for whitespace)
  std::size_t header_line = 0;            // line of the header; 0 without one
};

// Splits `text` into a table. `source` names the input in error messages.
CsvTable parse_csv_table(std::string_view text, const std::string& source, const CsvOptions& options);

// The index of the label column: a header name, a 0-based index ("0", "3"),
// or ""/"-1" for the last column. Usage error naming the available columns
// otherwise.
std::size_t label_column_index(const CsvTable& table, const std::string& label,
                               const std::string& source);

// The labels of every row of `table` as a Dataset without features
// (sample_shape (0)): class ids (class names sorted, integers numerically) or
// regression targets, the task chosen as CsvOptions::task says. Data error
// naming file:line for an empty class label or a target that is not a number.
Dataset table_labels(const CsvTable& table, std::size_t label_column, TaskMode task,
                     const std::string& source);

// Turns a table into a Dataset: the label column becomes labels (string or
// integer class names mapped to ids in sorted order; integers sorted
// numerically) or regression targets; every other column must be numeric.
Dataset table_to_dataset(const CsvTable& table, const std::string& source, const CsvOptions& options);

// The numbers in `columns` of every row, row-major (rows x columns.size()).
// Throws a data error naming file:line and the column for a cell that is not
// a finite number.
std::vector<float> table_columns(const CsvTable& table, const std::vector<std::size_t>& columns,
                                 const std::string& source);


// "auto" | "yes" | "no", and back; a usage error naming `key` and the choices.
HeaderMode parse_header_mode(const std::string& text, const std::string& key);
std::string to_string(HeaderMode mode);

// read_text_file + parse_csv_table + table_to_dataset.
Dataset load_csv(const std::string& path, const CsvOptions& options);

// `text` as one field of a CSV file we write (RFC 4180): as it is, or
// double-quoted with inner quotes doubled when it holds a comma, a quote or
// a line break (a varied model.layers=30,30 in an experiment's results.csv).
std::string csv_field(std::string_view text);

}  // namespace scratchnet
