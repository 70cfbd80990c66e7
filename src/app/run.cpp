#include "scratchnet/app/run.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "scratchnet/app/interchange.h"
#include "scratchnet/app/metrics_file.h"
#include "scratchnet/app/run_folder.h"
#include "scratchnet/core/communicator.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/io/binary.h"
#include "scratchnet/io/checkpoint.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/train/callbacks.h"

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
  const bool use_test = config.evaluate_test && data.test.size() > 0;
  const Dataset& timed = use_test ? data.test : data.train;
  const auto infer_start = std::chrono::steady_clock::now();
  const EvalResult timed_eval = trainer.evaluate(timed);
  s.inference_us_per_sample = seconds_since(infer_start) * 1e6 / static_cast<double>(timed.size());
  if (use_test) {
    s.test_loss = timed_eval.loss;
    s.test_accuracy = timed_eval.accuracy;
  }
}

void write_run_files(RunFolder& out, const Model& model, const RunSummary& summary) {
  if (!out.active()) return;
  save_model(model, out.staged("model.snm"));
  write_file_atomic(out.staged("summary.json"), summary_json(summary));
  write_file_atomic(out.staged("config.toml"), model.config_toml);
  out.commit();
}

// A run from the start, or from `resume` (a checkpoint of this config).
RunSummary run(const TrainConfig& requested, RunObserver* observer, const Checkpoint* resume) {
  // Data parallelism: every process trains; the first alone reports and writes.
  Communicator& comm = world();
  const bool lead = comm.rank() == 0;
  if (!lead) observer = nullptr;
  PreparedData data = load_and_split(requested);
  const TrainConfig config = requested.resolved(data.train.is_image());
  set_num_threads(config.threads);
  fit_scaler(data, config.scaler_kind());
  const Task task = data.train.task;

  Model model;
  model.task = task;
  model.loss = task == Task::kClassification ? "softmax_cross_entropy" : "mse";
  model.class_names = data.train.class_names;
  model.feature_names = data.train.feature_names;
  model.scaler = data.scaler;
  model.config_toml = config.to_toml();
  model.network = std::make_unique<Network<float>>(
      Architecture{data.train.sample_shape, config.network_layers(data.train.num_outputs())});
  Network<float>& net = *model.network;

  Rng init_rng = run_stream(config.seed, RunStream::kInit);
  net.initialize(config.init, init_rng);
  if (!config.init_from.empty()) load_initial_weights(net, config.init_from);  // issue 15: start from given weights
  auto optimizer = make_optimizer(config.optimizer, {config.lr, config.weight_decay, config.hyper});
  auto loss = make_loss<float>(model.loss);
  Rng shuffle_rng = run_stream(config.seed, RunStream::kShuffle);
  TrainOptions options;
  options.epochs = config.epochs;
  options.batch_size = config.batch_size;
  options.seed = run_stream(config.seed, RunStream::kLayers).next_u64();
  options.comm = &comm;
  Trainer trainer(net, *loss, *optimizer, options, shuffle_rng);

  RunFolder out(config.out.empty() ? default_run_dir() : config.out, lead);
  if (observer) observer->on_start(config, data, net, *optimizer);
  const bool has_validation = data.validation.size() > 0;
  MetricsWriter metrics(out.staged("metrics.csv"), has_validation, config.weight_decay > 0,
                        resume ? resume->metrics_csv : std::string());
  Checkpointer checkpointer(checkpoint_path(out.dir()), config.checkpoint_every, model.config_toml, metrics, lead);
  DivergenceGuard guard;
  EarlyStoppingCallback early_stopping(config.early_stopping, config.monitor, config.min_delta);
  LossToleranceCallback tolerance(config.loss_tolerance);
  LrScheduleCallback schedule(config.lr_schedule, optimizer->lr(), config.epochs);
  std::vector<TrainCallback*> callbacks = {&guard, &metrics};
  if (observer) callbacks.push_back(observer);
  for (TrainCallback* c : std::initializer_list<TrainCallback*>{&early_stopping, &tolerance, &schedule, &checkpointer})
    callbacks.push_back(c);

  RunSummary s;
  s.task = task;
  s.parameters = net.parameter_count();
  s.train_samples = data.train.size();
  s.validation_samples = data.validation.size();
  s.test_samples = data.test.size();
  s.processes = comm.size();
  s.threads = config.threads;
  s.out_dir = out.dir();
  const auto start = std::chrono::steady_clock::now();
  const FitData fit_data{&data.train, has_validation ? &data.validation : nullptr,
                         config.evaluate_test ? &data.test : nullptr};
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
    write_run_files(out, model, s);
    throw Error(ErrorKind::kDivergence,
                fmt::format("{}\nThe last good model and the metrics so far are in {}/", e.what(), out.dir()));
  }
  s.train_seconds = seconds_since(start);
  summarise(s, fit, trainer, data, config);
  // Test hook (tests/mpi): with $SCRATCHNET_RANK_MODELS set, every process
  // also saves its final model as <that folder>/rank<R>.snm, so that a test
  // can check that all processes of a data-parallel run hold the same model.
  if (const char* rank_models = std::getenv("SCRATCHNET_RANK_MODELS"))
    save_model(model, (fs::path(rank_models) / fmt::format("rank{}.snm", comm.rank())).string());
  write_run_files(out, model, s);
  if (lead) {
    std::error_code ignored;
    fs::remove(checkpointer.path(), ignored);  // the finished run supersedes it
  }
  if (observer) observer->on_finish(s);
  return s;
}

}  // namespace

RunSummary run_training(const TrainConfig& config, RunObserver* observer) { return run(config, observer, nullptr); }

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
