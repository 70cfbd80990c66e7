#pragma once
// Mean and sample standard deviation of a set of results (repeats of an
// experiment, folds of a cross-validation). Non-finite values (runs that
// diverged) are left out; the caller counts them apart.

#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

struct SCRATCHNET_API MeanStd {
  double mean = 0, std = 0;  // sample standard deviation; 0 for one value
};

// Over the finite values; NaN for both when there are none.
SCRATCHNET_API MeanStd mean_std(const std::vector<double>& values);

}  // namespace scratchnet
