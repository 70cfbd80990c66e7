#pragma once
// What a TabularPipeline (data/tabular.h) learns from one column's training
// cells: the fill value of a numeric column (the imputer) and the categories
// of a categorical one (the one-hot encoder).

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/tabular_options.h"

namespace scratchnet {

// The fill value for the missing cells of a column whose present values are
// `values` (requires at least one): median (the mean of the two middle
// values for an even count, as numpy), mean, the most frequent value (the
// smallest when tied, as scikit-learn's SimpleImputer) or the constant.
SCRATCHNET_API double impute_value(std::vector<double> values, const ImputeStrategy& strategy);

struct SCRATCHNET_API CategoryCounts {
  // Distinct cells, sorted: numerically when every one is a number (so
  // "2" < "10"), else by bytes.
  std::vector<std::string> categories;
  std::vector<std::size_t> counts;  // per category
  std::size_t most_frequent = 0;    // index of the most frequent (first when tied)
};

// The categories of a column from its present cells (requires at least one).
SCRATCHNET_API CategoryCounts count_categories(const std::vector<std::string_view>& cells);

}  // namespace scratchnet
