#pragma once
// Experiment files: a training config (the usual [data], [model], [train],
// [layer] sections) plus an [experiment] section saying what to compare or
// search, so that each comparison of the seed reports runs with one command:
//
//   [experiment]
//   kind = "compare"                   # or "search"
//   title = "Optimizers on Fashion-MNIST (seed 004)"
//   out = "runs/optimizers"
//   vary = ["train.optimizer=sgd,momentum,adagrad,adam"]   # compare
//   repeats = 1
//   facet = "model.init"   # compare over two keys: one panel per value (default: the first)
//   params = ["train.lr=log:1e-6:1e-2"]                     # search
//   trials = 100
//   top = 20
//   refine_top = 0
//   refine_trials = 0
//   search_seed = 1
//   jobs = 1

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

struct SCRATCHNET_API ExperimentSpec {
  std::string kind;  // "compare", "search" or empty (no [experiment] section)
  std::string title;
  std::string out;
  std::vector<std::string> vary;
  std::size_t repeats = 1;
  std::string facet;  // compare: the varied key with a panel per value; "none": no panels
  std::vector<std::string> params;
  std::size_t trials = 20;
  std::size_t top = 20;
  std::size_t refine_top = 0;
  std::size_t refine_trials = 0;
  std::uint64_t search_seed = 1;
  std::size_t jobs = 1;
};

// Reads the [experiment] section of a TOML file (other sections are ignored
// here). Errors name the file, line and key.
SCRATCHNET_API ExperimentSpec load_experiment_spec(const std::string& path);

// Settings given on top of an experiment file (command-line flags, Python
// keyword arguments): each one that is set replaces the file's.
struct SCRATCHNET_API ExperimentOverrides {
  std::vector<std::string> vary, params;  // replace the file's lists when non-empty
  std::optional<std::size_t> repeats, trials, top, refine_top, refine_trials, jobs;
  std::optional<std::uint64_t> search_seed;
  std::optional<std::string> out, title, facet;
};
// `spec` with `overrides` applied; usage errors when no output folder is
// named or jobs is 0.
SCRATCHNET_API ExperimentSpec apply_overrides(ExperimentSpec spec,
                                              const ExperimentOverrides& overrides);

}  // namespace scratchnet
