#include "scratchnet/data/tabular_options.h"

#include <charconv>
#include <cmath>
#include <system_error>

#include "scratchnet/core/error.h"

namespace scratchnet {

ImputeStrategy parse_impute_strategy(const std::string& text) {
  if (text == "median") return {ImputeKind::kMedian, 0};
  if (text == "mean") return {ImputeKind::kMean, 0};
  if (text == "most_frequent") return {ImputeKind::kMostFrequent, 0};
  constexpr std::string_view kConstant = "constant:";
  if (text.rfind(kConstant, 0) == 0) {
    const std::string_view value = std::string_view(text).substr(kConstant.size());
    double v = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, v);
    if (!value.empty() && ec == std::errc() && ptr == end && std::isfinite(v))
      return {ImputeKind::kConstant, v};
    throw_usage("impute strategy '{}': the value after 'constant:' must be a finite number", text);
  }
  throw_usage("unknown impute strategy '{}': expected median, mean, most_frequent or constant:V",
              text);
}

std::string to_string(const ImputeStrategy& strategy) {
  switch (strategy.kind) {
    case ImputeKind::kMedian:
      return "median";
    case ImputeKind::kMean:
      return "mean";
    case ImputeKind::kMostFrequent:
      return "most_frequent";
    case ImputeKind::kConstant:
      return fmt::format("constant:{}", strategy.constant);
  }
  throw_internal("unknown ImputeKind {}", static_cast<int>(strategy.kind));
}

MissingLabels parse_missing_labels(const std::string& text) {
  if (text == "drop") return MissingLabels::kDrop;
  if (text == "error") return MissingLabels::kError;
  throw_usage("unknown missing-label policy '{}': expected drop or error", text);
}

std::string to_string(MissingLabels mode) { return mode == MissingLabels::kDrop ? "drop" : "error"; }

std::vector<std::string> default_missing_markers() {
  return {"NA", "N/A", "NaN", "nan", "null", "None", "?", "-"};
}

}  // namespace scratchnet
