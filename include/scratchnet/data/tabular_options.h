#pragma once
// How a table of raw cells becomes features (data/tabular.h): which cells are
// missing, how they are filled, which columns are categories, which are
// dropped, and what happens to rows without a label. Every field maps to one
// `data.*` setting (named in the comments), so wiring a config is mechanical.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

// Fill value of a numeric column for its missing cells, from the training
// rows: median (default), mean, most frequent value (the smallest when tied,
// as scikit-learn), or a constant. Categorical columns always take their most
// frequent category.
enum class ImputeKind { kMedian, kMean, kMostFrequent, kConstant };

struct SCRATCHNET_API ImputeStrategy {
  ImputeKind kind = ImputeKind::kMedian;
  double constant = 0;  // kConstant only
};

// "median" | "mean" | "most_frequent" | "constant:V" (V a finite number);
// a usage error naming the text otherwise.
SCRATCHNET_API ImputeStrategy parse_impute_strategy(const std::string& text);
SCRATCHNET_API std::string to_string(const ImputeStrategy& strategy);  // the text parse accepts

// A row whose label cell is missing: dropped and counted, or a data error.
enum class MissingLabels { kDrop, kError };
SCRATCHNET_API MissingLabels parse_missing_labels(const std::string& text);  // "drop" | "error"
SCRATCHNET_API std::string to_string(MissingLabels mode);

// NA, N/A, NaN, nan, null, None, ?, - : cells that mean "no value". An empty
// cell is always missing, whatever the list.
SCRATCHNET_API std::vector<std::string> default_missing_markers();

struct SCRATCHNET_API TabularOptions {
  std::vector<std::string> missing = default_missing_markers();  // data.missing
  bool missing_indicator = false;  // data.missing_indicator: a 0/1 column per column with holes
  ImputeStrategy impute;           // data.impute
  // Columns by header name (or 0-based index in a file without a header).
  std::vector<std::string> categorical;  // data.categorical: one-hot even if numbers
  std::vector<std::string> numeric;      // data.numeric: numbers even if mostly words (an error then)
  std::vector<std::string> drop;         // data.drop: ignored entirely
  std::size_t max_categories = 50;       // data.max_categories
  MissingLabels missing_labels = MissingLabels::kDrop;  // data.missing_labels
};

}  // namespace scratchnet
