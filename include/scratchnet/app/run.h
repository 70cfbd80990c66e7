#pragma once
// A complete training run from a TrainConfig, as `scratchnet train` does it:
// load the data, split it (seeded, stratified), fit the scaler on the
// training part only, resolve the per-run defaults (the optimizer's rate,
// scaling, threads), build and initialise the network, train, evaluate,
// and write the run folder (app/run_folder.h: nothing is left half-written):
//   model.snm     the trained model (architecture, scaler, classes, weights)
//   metrics.csv   one row per epoch (app/metrics_file.h)
//   summary.json  final metrics, sizes, timings
//   config.toml   every setting the run used, including the seed and the
//                 resolved defaults: `scratchnet train config.toml` repeats it
//   layers.csv, histograms.csv, parameters.csv
//                 per-layer diagnostics with train.diagnostics on
//                 (app/diagnostics_file.h)
//   checkpoint.snc  while the run lasts, every output.checkpoint_every epochs
//                 and on an interrupt (resume_training continues from it)

#include <cstddef>
#include <optional>
#include <string>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/export.h"
#include "scratchnet/core/mean_std.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

// Metrics of the final model (after any restore of the best weights),
// evaluated in eval mode; losses are data terms only (see l2_penalty).
struct SCRATCHNET_API RunSummary {
  Task task = Task::kClassification;
  double train_loss = kNaN, train_accuracy = kNaN;
  double val_loss = kNaN, val_accuracy = kNaN;
  double test_loss = kNaN, test_accuracy = kNaN;  // accuracy NaN for regression
  double test_balanced_accuracy = kNaN, test_macro_f1 = kNaN;  // classification
  double l2_penalty = 0;
  std::size_t epochs = 0;          // epochs actually run
  std::size_t best_epoch = 0;
  bool stopped_early = false;
  bool diverged = false;
  std::string stop_reason;
  std::size_t parameters = 0;
  std::size_t train_samples = 0, validation_samples = 0, test_samples = 0;
  std::size_t dropped_rows = 0;          // tables: rows left out for a missing label
  std::size_t unseen_categories = 0;     // tables: test/validation cells with a category unseen in training
  std::vector<BadImage> skipped_images;  // image folders: bad files skipped (--skip-bad-images)
  double train_seconds = 0;       // wall time of training, evaluation included
  double samples_per_second = 0;  // training samples per second of step time
  double inference_us_per_sample = 0;
  // train.cv K: each metric's mean and spread over the K folds of the
  // training part (each fold's model tested on its held-out rows).
  std::size_t cv_folds = 0;
  MeanStd cv_accuracy, cv_loss, cv_balanced_accuracy, cv_macro_f1;
  std::vector<RunSummary> cv_runs;  // each fold's summary (held-out metrics as test_*)
  std::size_t cv_train_rows = 0, cv_held_out_rows = 0;  // one fold's
  int processes = 1;                    // data-parallel processes (mpirun -np)
  int threads = 1;                      // kernel threads per process
  double allreduce_ms_per_step = 0;     // gradient allreduce time per step (processes > 1)
  std::size_t allreduce_bytes_per_step = 0;
  std::string out_dir;
  // Issue 20: where the per-epoch train metrics came from (train.train_metrics),
  // and train.stop_at's target with the first epoch that met it and the
  // seconds from the start of training to the end of that epoch (nullopt: not reached).
  std::string train_metrics = "running";
  std::string stop_at;
  std::optional<std::size_t> target_reached_epoch;
  std::optional<double> seconds_to_target;
};

// What a run tells the outside world while it works: the training callbacks
// (steps, epochs), plus the start and the end of the run.
class SCRATCHNET_API RunObserver : public TrainCallback {
 public:
  // After the data is loaded and the network and optimizer built, before the
  // first epoch; `config` holds the resolved defaults.
  virtual void on_start(const TrainConfig& /*config*/, const PreparedData& /*data*/,
                        const Network<float>& /*network*/, const Optimizer& /*optimizer*/) {}
  // After each fold of a cross-validation (train.cv), before the final model.
  virtual void on_fold(std::size_t /*fold*/, std::size_t /*folds*/, const RunSummary& /*summary*/) {}
  virtual void on_finish(const RunSummary& /*summary*/) {}
};

SCRATCHNET_API RunSummary run_training(const TrainConfig& config, RunObserver* observer);

// Trains a new model on data prepared by load_and_split (not scaled yet:
// the scaler is fitted here on data.train) with a resolved config
// (TrainConfig::resolved), tests it on data.test, and writes the run folder
// when `write_folder`. With `model`, the trained model is moved there.
SCRATCHNET_API RunSummary train_on(const TrainConfig& resolved, PreparedData& data,
                                   RunObserver* observer, bool write_folder,
                                   Model* model = nullptr);
// Continues the run in `dir` from its checkpoint.snc (written every
// output.checkpoint_every epochs, and on an interrupt); the result equals that
// of the uninterrupted run, bit for bit.
SCRATCHNET_API RunSummary resume_training(const std::string& dir, RunObserver* observer);

// The summary as JSON (NaN written as null).
SCRATCHNET_API std::string summary_json(const RunSummary& summary);

}  // namespace scratchnet
