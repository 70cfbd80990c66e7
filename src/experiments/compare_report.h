#pragma once
// Internal to src/experiments: what a compare writes once its runs are done
// (results.csv, results.md, report.html and the figures; see compare.h).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/experiments/compare.h"

namespace scratchnet {

// What the runs of a compare left, one entry per variant of
// cartesian_product(options.vary); a variant without finished runs is left
// out of every table and figure.
struct CompareRecord {
  std::vector<VariantResult> results;            // runs: the finished repeats
  std::vector<std::vector<double>> step_losses;  // the first repeat's loss per step
  std::vector<std::string> first_run_dir;        // empty when the first repeat did not finish
  std::size_t finished = 0, total = 0;
  std::uint64_t seed = 0;  // of the first repeat
};

void write_compare_outputs(const CompareOptions& options, const CompareRecord& record);

}  // namespace scratchnet
