#pragma once
// search: random hyper-parameter search (Bergstra & Bengio, JMLR 2012), as
// seeds 000 and 004 run it.
//
// Each trial draws every searched setting from its distribution
//   log:A:B      log-uniform in [A, B] (learning rates, weight decay)
//   uniform:A:B  uniform in [A, B]
//   int:A:B      uniform integer in [A, B]
//   choice:a,b,c one of the listed values
// and trains with it. Trials are scored on a validation split carved from
// the training part (data.validation_fraction; 0.2 when the base config has
// none) and never evaluate the test split. The draws come from one Rng made
// from the search seed, in trial order, so results do not depend on --jobs.
// An optional second pass narrows each range to the values of the best trials
// (seed 000 searched 1e-9..1e-1, then 1e-5..1e-1) and draws more trials.
//
// The output folder holds trials/trial-NNN/ (each run's folder), results.csv
// (trial, each searched setting, val_accuracy, val_loss, train_accuracy,
// epochs, seconds), best.toml (the best trial's complete config, ready for
// `scratchnet train`), best/ (that config trained and tested once: the only
// test-set evaluation), plots of the score against each setting, results.md
// and report.html.

#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/experiments/experiment.h"

namespace scratchnet {

struct SCRATCHNET_API ParamDistribution {
  enum class Kind { kLog, kUniform, kInt, kChoice };
  std::string key;
  Kind kind = Kind::kLog;
  double low = 0, high = 0;
  std::vector<std::string> choices;

  std::string sample(Rng& rng) const;
  std::string str() const;  // the form parse accepts
};

// Parses "train.lr=log:1e-6:1e-2"; validates the key and the bounds.
SCRATCHNET_API ParamDistribution parse_param(const std::string& text);
// The ranges narrowed to the values in `best` (the best trials' assignments).
SCRATCHNET_API std::vector<ParamDistribution> narrow(const std::vector<ParamDistribution>& params,
                                                     const std::vector<Assignment>& best);

struct SCRATCHNET_API SearchOptions {
  std::vector<ParamDistribution> params;
  std::size_t trials = 20;
  std::uint64_t seed = 1;
  std::size_t jobs = 1;
  std::size_t top = 20;           // listed in the summary (seed 004 prints 20)
  std::size_t refine_top = 0;     // second pass around the best K trials; 0 = none
  std::size_t refine_trials = 0;  // trials of the second pass (default: trials)
  std::string out;                // required
};

struct SCRATCHNET_API Trial {
  std::size_t number = 0;  // 1-based
  int pass = 1;
  Assignment values;
  RunSummary summary;
  double score = kNaN;     // validation accuracy, or minus the validation loss
};

struct SCRATCHNET_API SearchResult {
  std::vector<Trial> trials;        // in trial order
  std::vector<std::size_t> ranked;  // indices into trials, best first
  std::vector<ParamDistribution> refined;  // second-pass ranges (empty without one)
  TrainConfig best_config;
  RunSummary best_test;             // the best config trained once and tested
};

SCRATCHNET_API SearchResult run_search(const TrainConfig& base, const SearchOptions& options,
                                       ExperimentObserver* observer);

}  // namespace scratchnet
