#pragma once
// Mean and sample standard deviation of a set of results (repeats of an
// experiment, folds of a cross-validation). Non-finite values (runs that
// diverged) are left out; the caller counts them apart.

#include <vector>

namespace scratchnet {

struct MeanStd {
  double mean = 0, std = 0;  // sample standard deviation; 0 for one value
};

// Over the finite values; NaN for both when there are none.
MeanStd mean_std(const std::vector<double>& values);

}  // namespace scratchnet
