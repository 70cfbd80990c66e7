#include "scratchnet/core/mean_std.h"

#include <cmath>
#include <limits>

namespace scratchnet {

MeanStd mean_std(const std::vector<double>& all) {
  std::vector<double> values;
  for (double v : all)
    if (std::isfinite(v)) values.push_back(v);
  if (values.empty()) return {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::quiet_NaN()};
  MeanStd r;
  for (double v : values) r.mean += v;
  r.mean /= static_cast<double>(values.size());
  if (values.size() > 1) {
    double sq = 0;
    for (double v : values) sq += (v - r.mean) * (v - r.mean);
    r.std = std::sqrt(sq / static_cast<double>(values.size() - 1));
  }
  return r;
}

}  // namespace scratchnet
