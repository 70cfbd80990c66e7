#include "scratchnet/data/column_statistics.h"

#include <algorithm>
#include <map>
#include <numeric>

#include "scratchnet/core/error.h"
#include "scratchnet/data/cells.h"

namespace scratchnet {

double impute_value(std::vector<double> values, const ImputeStrategy& strategy) {
  SCRATCHNET_CHECK(!values.empty(), "no values to impute from");
  const std::size_t n = values.size();
  switch (strategy.kind) {
    case ImputeKind::kConstant:
      return strategy.constant;
    case ImputeKind::kMean:
      return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(n);
    case ImputeKind::kMedian: {
      const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
      std::nth_element(values.begin(), middle, values.end());
      if (n % 2 == 1) return *middle;
      // The largest of the lower half is the other middle value.
      const double lower = *std::max_element(values.begin(), middle);
      return (lower + *middle) / 2;
    }
    case ImputeKind::kMostFrequent: {
      std::sort(values.begin(), values.end());
      double best = values.front();
      std::size_t best_run = 0;
      for (std::size_t i = 0; i < n;) {
        std::size_t j = i;
        while (j < n && values[j] == values[i]) ++j;
        if (j - i > best_run) best = values[i], best_run = j - i;  // ties keep the smaller
        i = j;
      }
      return best;
    }
  }
  throw_internal("unknown ImputeKind {}", static_cast<int>(strategy.kind));
}

CategoryCounts count_categories(const std::vector<std::string_view>& cells) {
  SCRATCHNET_CHECK(!cells.empty(), "no cells to learn categories from");
  std::map<std::string_view, std::size_t> counts;
  for (std::string_view cell : cells) ++counts[cell];

  struct Entry {
    std::string_view name;
    std::size_t count;
    double value;
  };
  std::vector<Entry> entries;
  bool all_numbers = true;
  for (const auto& [name, count] : counts) {
    double v = 0;
    all_numbers = all_numbers && parse_number(name, v) == NumberParse::kOk;
    entries.push_back({name, count, v});
  }
  // Byte order from the map; numeric codes by value (equal values, "1" and
  // "1.0", keep byte order).
  if (all_numbers)
    std::stable_sort(entries.begin(), entries.end(),
                     [](const Entry& a, const Entry& b) { return a.value < b.value; });

  CategoryCounts out;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    out.categories.emplace_back(entries[i].name);
    out.counts.push_back(entries[i].count);
    if (entries[i].count > out.counts[out.most_frequent]) out.most_frequent = i;
  }
  return out;
}

}  // namespace scratchnet
