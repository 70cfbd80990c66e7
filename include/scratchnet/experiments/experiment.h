#pragma once
// What compare and search have in common: the settings being varied, the
// progress reports of a series of training runs, and summary statistics.

#include <chrono>
#include <functional>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/app/run.h"
#include "scratchnet/core/export.h"
#include "scratchnet/core/mean_std.h"

namespace scratchnet {

// One assignment of values to settings, e.g. {{"train.optimizer", "adam"}}.
using Assignment = std::vector<std::pair<std::string, std::string>>;

// "optimizer=adam lr=0.01": the short names of an assignment, for tables.
SCRATCHNET_API std::string describe(const Assignment& assignment);
// A file-name-safe form: "optimizer-adam_lr-0.01".
SCRATCHNET_API std::string folder_name(const Assignment& assignment);
// Applies an assignment to a config (each value through TrainConfig::set; the
// key "config" applies a whole TOML file of settings, e.g. another network).
SCRATCHNET_API TrainConfig with_settings(TrainConfig config, const Assignment& assignment);

// Progress of a series of runs (printed by the tool; silent when null).
class SCRATCHNET_API ExperimentObserver {
 public:
  virtual ~ExperimentObserver() = default;
  // Run `index` (0-based) of `total` finished; `eta_seconds` estimates the rest.
  virtual void on_run_done(std::size_t index, std::size_t total, const std::string& label,
                           const RunSummary& summary, double eta_seconds) = 0;
};

// run_training, except that a run that diverges is returned as a summary with
// `diverged` set and NaN metrics (an experiment goes on; its table says so).
SCRATCHNET_API RunSummary run_or_record_divergence(const TrainConfig& config,
                                                   RunObserver* observer);

// Runs `count` jobs numbered 0..count-1 on up to `jobs` threads, in order of
// their numbers; stops handing out new jobs once one throws or an interrupt
// is requested, waits for those running, and rethrows the first error.
SCRATCHNET_API void run_parallel(std::size_t count, std::size_t jobs,
                                 const std::function<void(std::size_t)>& job);

}  // namespace scratchnet
