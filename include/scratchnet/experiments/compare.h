#pragma once
// compare: train every combination of the varied settings on the same data
// split and seed (seed + r for repeat r), and tabulate and plot the results.
//
// The output folder holds:
//   runs/<variant>[/repeat-R]/   each run's folder (model, metrics, summary, config, steps.csv)
//   results.csv, results.md      one row per variant: the varied settings, then
//                                mean (and std over repeats) of final train/test
//                                accuracy and loss, best epoch, seconds per run
//   loss_per_iteration.*         the training loss of each step, one curve per
//                                variant (first repeat), smoothed (seed 004)
//   test_accuracy.*, train_accuracy.* (classification) or test_loss.* per epoch
//   report.html                  tables and plots on one self-contained page
// An interrupt (Ctrl-C) stops after the running runs; the table covers the
// finished ones and the error is rethrown.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/experiments/experiment.h"

namespace scratchnet {

// "train.optimizer=sgd,adam": a setting and the values it takes. Values are
// separated by ';' instead when the text holds one (model.layers=30,30;50,50).
// The key "config" takes TOML files (config=a.toml,b.toml) to compare whole
// setups, e.g. two networks.
struct Variation {
  std::string key;
  std::vector<std::string> values;
};
Variation parse_variation(const std::string& text);

// Every combination, the first variation varying slowest. No variations: one
// empty assignment (the base config).
std::vector<Assignment> cartesian_product(const std::vector<Variation>& variations);

struct CompareOptions {
  std::vector<Variation> vary;
  std::size_t repeats = 1;
  std::size_t jobs = 1;  // runs in parallel
  std::string out;       // required
  std::string title = "comparison";
};

struct VariantResult {
  Assignment assignment;
  std::vector<RunSummary> runs;  // one per finished repeat
};

std::vector<VariantResult> run_compare(const TrainConfig& base, const CompareOptions& options,
                                       ExperimentObserver* observer);

}  // namespace scratchnet
