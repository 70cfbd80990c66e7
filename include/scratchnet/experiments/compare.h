#pragma once
// compare: train every combination of the varied settings on the same data
// split and seed (seed + r for repeat r), and tabulate and plot the results.
//
// The output folder holds:
//   runs/<variant>[/repeat-R]/   each run's folder (model, metrics, summary, config, steps.csv)
//   results.csv                  one row per variant: the varied settings, then
//                                mean (and std over repeats) of final train/test
//                                accuracy and loss, best epoch, seconds per run
//   results.md, report.html      the conclusion first (conclusion.h: the best
//                                variant per metric, the others' differences to
//                                it and their p-values), the table, the figures,
//                                and links to each variant's run and its figures
//   loss_per_iteration.*         the training loss of each step, one curve per
//                                variant (first repeat), smoothed (seed 004)
//   test_accuracy.* (classification) or test_loss.* per epoch, one curve per variant
//   learning_curves.*            train and test curves of each variant's first
//                                repeat in one panel (the gap shows over-fitting)
// With two or more varied keys the per-variant figures are small multiples:
// one panel per value of the facet key (the first varied key unless
// `facet` names another), the other settings as its curves.
// An interrupt (Ctrl-C) stops after the running runs; the table covers the
// finished ones and the error is rethrown.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/experiments/conclusion.h"
#include "scratchnet/experiments/experiment.h"

namespace scratchnet {

// "train.optimizer=sgd,adam": a setting and the values it takes. Values are
// separated by ';' instead when the text holds one (model.layers=30,30;50,50).
// The key "config" takes TOML files (config=a.toml,b.toml) to compare whole
// setups, e.g. two networks.
struct SCRATCHNET_API Variation {
  std::string key;
  std::vector<std::string> values;
};
SCRATCHNET_API Variation parse_variation(const std::string& text);

// Every combination, the first variation varying slowest. No variations: one
// empty assignment (the base config).
SCRATCHNET_API std::vector<Assignment> cartesian_product(const std::vector<Variation>& variations);

struct SCRATCHNET_API CompareOptions {
  std::vector<Variation> vary;
  std::size_t repeats = 1;
  std::size_t jobs = 1;  // runs in parallel
  std::string out;       // required
  std::string title = "comparison";
  // The varied key whose values get a panel each; empty: the first varied
  // key when two or more vary; "none": every curve in one chart.
  std::string facet;
  // What a variant's runs are to the significance tests: independent
  // repeats (the default), or the folds of a cross-validation, runs[j]
  // being fold j of the same folds for every variant.
  ScoreDesign design;
};

// The panels of a small-multiples figure: one per value of the varied key
// `facet`, in the order of its values, holding the variants (indices into
// cartesian_product(vary)) that take it, labelled by their other settings.
// Empty when there is no facet: fewer than two varied keys, or "none".
// Throws a usage error when `facet` is not a varied key (naming them).
struct SCRATCHNET_API Facet {
  std::string title;  // "batch_norm=true"
  std::vector<std::size_t> variants;
  std::vector<std::string> labels;  // "init=normal:0.1"
};
SCRATCHNET_API std::vector<Facet> facets(const std::vector<Variation>& vary,
                                         const std::string& facet);

struct SCRATCHNET_API VariantResult {
  Assignment assignment;
  std::vector<RunSummary> runs;  // one per finished repeat
};

SCRATCHNET_API std::vector<VariantResult> run_compare(const TrainConfig& base,
                                                      const CompareOptions& options,
                                                      ExperimentObserver* observer);

}  // namespace scratchnet
