#pragma once
// TabularPipeline: the raw cells of a table (data/csv.h) to a float feature
// matrix, fitted on the training rows only and applied unchanged to any
// other rows (the test split, a validation fold, a new file at predict time).
//
// Fitting (TabularOptions in data/tabular_options.h says what is missing,
// forced, dropped):
// - Every column but the label and the dropped ones is an input. A cell is
//   missing when empty or one of the missing-value markers.
// - Typing: a column is categorical when listed in `categorical`, numeric
//   when listed in `numeric`, else categorical when at least half of its
//   non-missing training cells are not numbers ("inf" and "1e999" count as
//   numbers here, and stay errors in a numeric column).
// - Numeric column: one output, missing cells filled with the training
//   median (or mean, most frequent value, constant). A word in it is an error
//   naming file:line, column and cell, saying how to mark it missing or
//   declare the column categorical.
// - Categorical column: one 0/1 output per category seen in the training
//   rows, in sorted order (numerically when every category is a number);
//   missing cells take the most frequent category (the first in that order
//   when tied). More than `max_categories` categories is an error.
// - A column without any value in the training rows is an error naming it.
// - With `missing_indicator`, each column with missing training cells also
//   gets a 0/1 output (1 = the cell was missing), after all other outputs.
//
// Transforming: the table's columns are found by header name (extra columns
// are ignored, a missing one is an error naming it), or by position without a
// header (the label column may be there or not). A category never seen in
// training becomes all zeros and is counted. Only numeric outputs are meant
// to be scaled: scaled_outputs() gives the mask for Scaler::fit.
//
// Output order: the input columns in table order (a numeric column one
// output, a categorical column its categories), then the indicators.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/tabular_options.h"

namespace scratchnet {

class ByteReader;
class ByteWriter;

// One input column as the fitted pipeline uses it.
struct SCRATCHNET_API TabularColumn {
  enum class Kind : std::uint8_t { kNumeric = 0, kCategorical = 1 };
  std::string name;        // header name, or the 0-based position as text without a header
  std::size_t position = 0;  // in the training table
  Kind kind = Kind::kNumeric;
  double fill = 0;                      // numeric: the value of a missing cell
  std::vector<std::string> categories;  // categorical: sorted
  std::size_t fill_category = 0;        // categorical: index of a missing cell's category
  std::size_t missing = 0;              // missing cells in the training rows
  bool indicator = false;               // has a missing-indicator output

  // Outputs of the column itself (1 or its category count), not the indicator.
  std::size_t width() const { return kind == Kind::kNumeric ? 1 : categories.size(); }
};

// Rows through a pipeline: features (rows x output_width, row-major) and the
// cells whose category the training rows never had (encoded as all zeros).
struct SCRATCHNET_API TabularRows {
  std::vector<float> features;
  std::size_t rows = 0;
  std::size_t unseen = 0;                   // cells with an unseen category, in all
  std::vector<std::size_t> unseen_by_column;  // per pipeline column
  // "color: 2, city: 1" for the caller's warning; empty when unseen == 0.
  std::string unseen_summary(const std::vector<TabularColumn>& columns) const;
};

class SCRATCHNET_API TabularPipeline {
 public:
  TabularPipeline() = default;

  // Fits to the rows `rows` of `table` (the training split), all but the
  // label column and the dropped ones. Throws usage errors for options that
  // name unknown columns, data errors for cells and columns that cannot be
  // used, each naming source, line and column where there is one.
  static TabularPipeline fit(const CsvTable& table, std::size_t label_column,
                             std::span<const std::size_t> rows, const TabularOptions& options,
                             const std::string& source);

  // The features of rows `rows` of `table` (any table with the columns; see
  // above), or of every row.
  TabularRows transform(const CsvTable& table, std::span<const std::size_t> rows,
                        const std::string& source) const;
  TabularRows transform(const CsvTable& table, const std::string& source) const;

  bool empty() const { return columns_.empty(); }
  const std::vector<TabularColumn>& columns() const { return columns_; }
  std::size_t output_width() const;
  // "x1", "color=red", "x1 missing": one name per output.
  std::vector<std::string> output_names() const;
  // True for the outputs that are numbers (to be scaled), false for the 0/1
  // one-hot and indicator outputs.
  std::vector<bool> scaled_outputs() const;
  const std::string& label_name() const { return label_name_; }
  // Fields per row of the training table (label included).
  std::size_t training_width() const { return training_width_; }
  const ImputeStrategy& impute() const { return impute_; }

  // Rows of the source file left out for a missing label: a fact of loading
  // (data/tabular_split.h sets it) kept here so the description can say it.
  void set_dropped_rows(std::size_t rows) { dropped_rows_ = rows; }
  std::size_t dropped_rows() const { return dropped_rows_; }

  // One line: "12 numeric (3 with missing cells, median), 2 categorical ->
  // 7 one-hot = 19 features; 1 row dropped: missing label".
  std::string describe() const;
  // One line per column: its kind, missing cells, fill value, categories.
  std::string details() const;

  // Binary form (io/binary.h), for model files. decode treats the bytes as
  // untrusted: every length is checked before anything is allocated and the
  // result is checked for consistency; every problem is a data error.
  void encode(ByteWriter& out) const;
  static TabularPipeline decode(ByteReader& in);

  friend SCRATCHNET_API bool operator==(const TabularPipeline&, const TabularPipeline&);

 private:
  // Where each column is in `table`; throws naming a missing column.
  std::vector<std::size_t> locate(const CsvTable& table, const std::string& source) const;

  std::vector<TabularColumn> columns_;
  std::vector<std::string> missing_markers_;
  ImputeStrategy impute_;
  std::string label_name_;             // "" without a header
  std::size_t label_position_ = 0;     // in the training table
  std::size_t training_width_ = 0;     // fields per row of the training table
  bool has_header_ = false;
  std::vector<std::string> dropped_columns_;
  std::size_t dropped_rows_ = 0;
};

SCRATCHNET_API bool operator==(const TabularColumn& a, const TabularColumn& b);

// The pipeline alone as bytes (with a leading format byte), and back; decode
// rejects trailing bytes. What a fuzz target feeds.
SCRATCHNET_API std::string encode_tabular_pipeline(const TabularPipeline& pipeline);
SCRATCHNET_API TabularPipeline decode_tabular_pipeline(std::string_view bytes,
                                                       const std::string& source);

}  // namespace scratchnet
