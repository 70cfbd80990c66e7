#include "scratchnet/app/run.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "scratchnet/app/diagnostics_file.h"
#include "scratchnet/app/cross_validation.h"
#include "scratchnet/app/interchange.h"
#include "scratchnet/app/metrics_file.h"
#include "scratchnet/app/model_training.h"
#include "scratchnet/app/run_folder.h"
#include "scratchnet/core/communicator.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/io/checkpoint.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/losses/class_weights.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/train/callbacks.h"
#include "scratchnet/train/evaluation.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

std::string checkpoint_path(const std::string& dir) { return (fs::path(dir) / "checkpoint.snc").string(); }

// Writes <out>/checkpoint.snc at every `every`-th epoch boundary (and, through
// write(), on an interrupt); only the lead process writes.
class Checkpointer final : public TrainCallback {
 public:
  Checkpointer(std::string path, std::size_t every, const std::string& config_toml, const MetricsWriter& metrics,
               bool active)
      : path_(std::move(path)), every_(every), config_toml_(config_toml), metrics_(metrics), active_(active) {}
  void on_boundary(Trainer& /*trainer*/, const TrainingState& state) override {
    if (every_ > 0 && state.epochs_done % every_ == 0) write(state);
  }
  void write(const TrainingState& state) const {
    if (active_) save_checkpoint({config_toml_, metrics_.text(), state}, path_);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::size_t every_;
  const std::string& config_toml_;
  const MetricsWriter& metrics_;
  bool active_;
};

// The final model's metrics and the fit's timings.
void summarise(RunSummary& s, const FitResult& fit, Trainer& trainer, const PreparedData& data,
               const TrainConfig& config) {
  double step_seconds = 0;
  std::size_t samples = 0;
  for (const auto& e : fit.history) {
    step_seconds += e.step_seconds;
    samples += e.samples;
  }
  s.epochs = fit.history.size();
  s.best_epoch = fit.best_epoch;
  s.stopped_early = fit.stopped_early;
  s.stop_reason = fit.stop_reason;
  s.samples_per_second = step_seconds > 0 ? static_cast<double>(samples) / step_seconds : 0;
  if (trainer.allreduce_calls() > 0) {
    s.allreduce_ms_per_step = 1e3 * trainer.allreduce_seconds() / static_cast<double>(trainer.allreduce_calls());
    s.allreduce_bytes_per_step = (trainer.network().parameter_count() + 1) * sizeof(float);
  }
  s.l2_penalty = trainer.l2_penalty();
  // In eval mode, as saved (after any restore of the best weights).
  const EvalResult train_eval = trainer.evaluate(data.train);
  s.train_loss = train_eval.loss;
  s.train_accuracy = train_eval.accuracy;
  if (data.validation.size() > 0) {
    const EvalResult r = trainer.evaluate(data.validation);
    s.val_loss = r.loss;
    s.val_accuracy = r.accuracy;
  }
  // The test pass doubles as the inference timing (the training set without a test set).
  const bool use_test = config.evaluate_test > 0 && data.test.size() > 0;
  const Dataset& timed = use_test ? data.test : data.train;
  const auto infer_start = std::chrono::steady_clock::now();
  const EvalResult timed_eval = trainer.evaluate(timed);
  s.inference_us_per_sample = seconds_since(infer_start) * 1e6 / static_cast<double>(timed.size());
  if (use_test) {
    s.test_loss = timed_eval.loss;
    s.test_accuracy = timed_eval.accuracy;
    if (data.test.task == Task::kClassification) {
      std::vector<std::int32_t> predicted;
      argmax_rows(predict_outputs(trainer.network(), data.test, false), predicted);
      const ClassificationReport r = classification_report(data.test.labels, predicted, data.test.class_names);
      s.test_balanced_accuracy = r.balanced_accuracy;
      s.test_macro_f1 = r.macro_f1;
    }
  }
}

void write_run_files(RunFolder& out, const Model& model, const RunSummary& summary, bool diagnostics) {
  if (!out.active()) return;
  save_model(model, out.staged("model.snm"));
  write_file_atomic(out.staged("summary.json"), summary_json(summary));
  write_file_atomic(out.staged("config.toml"), model.config_toml);
  out.commit();
  // Diagnostics of an earlier run in this folder would pass for this run's.
  std::error_code ignored;
  if (!diagnostics)
    for (const char* name : {kLayersFile, kHistogramsFile, kParametersFile}) fs::remove(out.final_path(name), ignored);
}

// Trains on prepared data (see run.h train_on); `resume` continues a run
// from its checkpoint, `cv` is the run's cross-validation to report.
RunSummary train_prepared(const TrainConfig& config, PreparedData& data, RunObserver* observer, bool write_folder,
                          const Checkpoint* resume, const CrossValidation* cv, Model* trained) {
  Communicator& comm = world();
  const bool lead = comm.rank() == 0;
  if (!lead) observer = nullptr;
  set_num_threads(config.threads);
  fit_scaler(data, config.scaler_kind());
  const Task task = data.train.task;

  // The model, optimizer, loss, trainer and standard callbacks, as the Python package's Model.fit builds them.
  Model model = new_model(config, data);
  Network<float>& net = *model.network;
  ModelTrainer setup(config, model, &comm, &data.train);
  Trainer& trainer = setup.trainer();
  Optimizer* optimizer = &setup.optimizer();

  RunFolder out(config.out.empty() ? default_run_dir() : config.out, lead && write_folder);
  if (observer) observer->on_start(config, data, net, *optimizer);
  const bool has_validation = data.validation.size() > 0;
  MetricsWriter metrics(out.staged("metrics.csv"), has_validation, config.weight_decay > 0,
                        resume ? resume->metrics_csv : std::string(), config.train_metrics == TrainMetrics::kRunning);
  Checkpointer checkpointer(checkpoint_path(out.dir()), config.checkpoint_every, model.config_toml, metrics,
                            out.active());
  // Per-layer diagnostics (issue 18): layers.csv, histograms.csv and
  // parameters.csv, from the lead process (every process holds the same model).
  const DiagnosticsCadence cadence = DiagnosticsCadence::parse(config.diagnostics);
  std::unique_ptr<DiagnosticsWriter> diagnostics_files;
  std::unique_ptr<DiagnosticsCallback> diagnostics;
  if (cadence.on() && out.active()) {
    diagnostics_files = std::make_unique<DiagnosticsWriter>(out.staged(kLayersFile), out.staged(kHistogramsFile),
                                                            out.staged(kParametersFile));
    diagnostics = std::make_unique<DiagnosticsCallback>(
        cadence, [files = diagnostics_files.get()](const DiagnosticsRecord& r) { files->write(r); });
  }
  const std::vector<TrainCallback*> callbacks =
      setup.callbacks({&metrics, observer, diagnostics.get()}, {&checkpointer});

  RunSummary s;
  s.task = task;
  s.parameters = net.parameter_count();
  s.train_samples = data.train.size();
  s.validation_samples = data.validation.size();
  s.test_samples = data.test.size();
  if (data.tabular) s.dropped_rows = data.tabular->dropped_rows();
  s.unseen_categories = data.unseen_cells;
  if (data.image_report) s.skipped_images = data.image_report->bad_images;
  s.processes = comm.size();
  s.threads = config.threads;
  s.train_metrics = config.train_metrics == TrainMetrics::kFull ? "full" : "running";
  s.stop_at = config.stop_at;
  s.out_dir = write_folder ? out.dir() : std::string();
  if (cv) {
    s.cv_folds = cv->folds.size();
    s.cv_accuracy = cv->accuracy;
    s.cv_loss = cv->loss;
    s.cv_balanced_accuracy = cv->balanced_accuracy;
    s.cv_macro_f1 = cv->macro_f1;
    s.cv_runs = cv->folds;
    s.cv_train_rows = cv->train_rows;
    s.cv_held_out_rows = cv->held_out_rows;
  }
  const auto start = std::chrono::steady_clock::now();
  const FitData fit_data{&data.train, has_validation ? &data.validation : nullptr,
                         config.evaluate_test > 0 ? &data.test : nullptr};
  FitResult fit;
  try {
    fit = trainer.fit(fit_data, callbacks, resume ? &resume->state : nullptr);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInterrupted) {
      // Keep what the finished epochs earned: a checkpoint at the last epoch boundary.
      const TrainingState& state = trainer.boundary_state();
      checkpointer.write(state);
      throw Error(ErrorKind::kInterrupted,
                  fmt::format("{}; the state after epoch {} is saved in {}\nContinue with: scratchnet "
                              "train --resume {}",
                              e.what(), state.epochs_done, checkpointer.path(), out.dir()));
    }
    if (e.kind() != ErrorKind::kDivergence) throw;
    // Keep the last good model and the metrics so far, then report the divergence.
    s.diverged = true;
    s.stop_reason = e.what();
    s.train_seconds = seconds_since(start);
    write_run_files(out, model, s, cadence.on());
    throw Error(ErrorKind::kDivergence,
                fmt::format("{}\nThe last good model and the metrics so far are in {}/", e.what(), out.dir()));
  }
  s.train_seconds = seconds_since(start);
  summarise(s, fit, trainer, data, config);
  s.target_reached_epoch = setup.stop_at().reached_epoch();  // train.stop_at (issue 20)
  s.seconds_to_target = setup.stop_at().seconds_to_target();
  // Test hook (tests/mpi): with $SCRATCHNET_RANK_MODELS set, every process
  // also saves its final model as <that folder>/rank<R>.snm, so that a test
  // can check that all processes of a data-parallel run hold the same model.
  if (const char* rank_models = std::getenv("SCRATCHNET_RANK_MODELS"); rank_models && write_folder)
    save_model(model, (fs::path(rank_models) / fmt::format("rank{}.snm", comm.rank())).string());
  write_run_files(out, model, s, cadence.on());
  if (out.active()) {
    std::error_code ignored;
    fs::remove(checkpointer.path(), ignored);  // the finished run supersedes it
  }
  if (observer) observer->on_finish(s);
  if (trained) *trained = std::move(model);
  return s;
}

// A run from the start, or from `resume` (a checkpoint of this config).
RunSummary run(const TrainConfig& requested, RunObserver* observer, const Checkpoint* resume) {
  PreparedData data = load_and_split(requested);
  const TrainConfig config = requested.resolved(data.train.is_image());
  std::optional<CrossValidation> cv;
  if (config.cv > 0 && resume == nullptr) {
    RunObserver* lead_observer = world().rank() == 0 ? observer : nullptr;
    cv = cross_validate(config, data, [&](std::size_t fold, std::size_t folds, const RunSummary& s) {
      if (lead_observer) lead_observer->on_fold(fold, folds, s);
    });
  }
  return train_prepared(config, data, observer, true, resume, cv ? &*cv : nullptr, nullptr);
}

}  // namespace

RunSummary run_training(const TrainConfig& config, RunObserver* observer) { return run(config, observer, nullptr); }

RunSummary train_on(const TrainConfig& resolved, PreparedData& data, RunObserver* observer, bool write_folder,
                    Model* model) {
  return train_prepared(resolved, data, observer, write_folder, nullptr, nullptr, model);
}

RunSummary resume_training(const std::string& dir, RunObserver* observer) {
  const std::string path = checkpoint_path(dir);
  if (!fs::exists(path))
    throw_data("{}: no checkpoint to resume from (train with --checkpoint-every N, or interrupt a run)", path);
  const Checkpoint checkpoint = load_checkpoint(path);
  TrainConfig config;
  config.load_toml_text(checkpoint.config_toml, path + " (stored settings)");
  config.out = dir;
  return run(config, observer, &checkpoint);
}

}  // namespace scratchnet
