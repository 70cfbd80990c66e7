#include "scratchnet/train/run.h"

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include "scratchnet/core/communicator.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/split.h"
#include "scratchnet/io/binary.h"
#include "scratchnet/io/checkpoint.h"
#include "scratchnet/io/json.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {
namespace fs = std::filesystem;

DataOptions data_options(const TrainConfig& c) {
  DataOptions o;
  o.source = c.data;
  o.csv.label = c.label;
  o.csv.header = c.header == "yes" ? HeaderMode::kYes : c.header == "no" ? HeaderMode::kNo : HeaderMode::kAuto;
  o.csv.delimiter = c.delimiter == "auto"    ? 0
                    : c.delimiter == "tab"   ? '\t'
                    : c.delimiter == "space" ? ' '
                                             : c.delimiter[0];
  o.csv.task = c.task == "classification" ? TaskMode::kClassification
               : c.task == "regression"   ? TaskMode::kRegression
                                          : TaskMode::kAuto;
  o.arem_classes = c.arem_classes;
  o.synthetic_samples = c.samples;
  o.seed = c.seed;
  return o;
}

namespace {

// Independent random streams of one run, so that e.g. changing the network
// does not change the data split.
enum class Stream : std::uint64_t { kSplit = 1, kInit = 2, kShuffle = 3, kLayers = 4 };
Rng stream(std::uint64_t seed, Stream s) {
  return Rng(seed ^ (static_cast<std::uint64_t>(s) * 0x9e3779b97f4a7c15ULL));
}


std::string default_out_dir() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  std::string dir = fmt::format("runs/{}", stamp);
  for (int i = 2; fs::exists(dir); ++i) dir = fmt::format("runs/{}-{}", stamp, i);
  return dir;
}

// The output folder: files are written to a staging folder and moved into
// place by commit(); if the run throws first, the destructor removes them.
class OutputFolder {
 public:
  // An inactive folder (the other processes of a data-parallel run) writes nothing.
  OutputFolder(std::string dir, bool active) : dir_(std::move(dir)), active_(active) {
    if (!active_) return;
    std::error_code ec;
    created_ = !fs::exists(dir_);
    fs::create_directories(dir_, ec);
    if (ec) throw_data("cannot create output folder '{}': {}", dir_, ec.message());
    remove_stale_staging();
    staging_ = (fs::path(dir_) / fmt::format(".partial-{}", ::getpid())).string();
    fs::create_directories(staging_, ec);
    if (ec) throw_data("cannot create '{}': {}", staging_, ec.message());
  }
  ~OutputFolder() {
    std::error_code ec;
    if (active_ && !committed_) {
      fs::remove_all(staging_, ec);
      if (created_ && fs::is_empty(dir_, ec)) fs::remove(dir_, ec);
    }
  }
  std::string staged(const std::string& name) const { return (fs::path(staging_) / name).string(); }
  void commit() {
    if (!active_) return;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(staging_)) {
      fs::rename(entry.path(), fs::path(dir_) / entry.path().filename(), ec);
      if (ec) throw_data("cannot move '{}' into '{}': {}", entry.path().string(), dir_, ec.message());
    }
    fs::remove(staging_, ec);
    committed_ = true;
  }
  const std::string& dir() const { return dir_; }

 private:
  // Staging folders of runs that died (SIGKILL, power loss) before committing.
  void remove_stale_staging() const {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(".partial-", 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + 9, nullptr, 10);
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) == 0 && pid != ::getpid()) continue;  // alive
      fs::remove_all(entry.path(), ec);
    }
  }

  std::string dir_, staging_;
  bool active_;
  bool created_ = false, committed_ = false;
};

// Writes metrics.csv as epochs finish and forwards events to the caller's observer.
class MetricsWriter : public TrainObserver {
 public:
  // `previous`: the rows of a resumed run (header included), or empty.
  MetricsWriter(const std::string& path, bool validation, bool penalty, RunObserver* next,
                const std::string& previous)
      : out_(path), validation_(validation), penalty_(penalty), next_(next) {
    if (!out_) throw_data("cannot write '{}'", path);
    text_ = previous.empty()
                ? fmt::format("epoch,iteration,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds{}{}\n",
                              validation_ ? ",val_loss,val_accuracy" : "", penalty_ ? ",l2_penalty" : "")
                : previous;
    out_ << text_;
    out_.flush();
  }
  void on_step(const StepInfo& step) override {
    if (next_) next_->on_step(step);
  }
  void on_epoch(const EpochStats& s) override {
    std::string row = fmt::format("{},{},{},{},{},{},{:.6g},{:.4f}", s.epoch, s.iteration,
                                  csv_number(s.train_loss), csv_number(s.train_accuracy),
                                  csv_number(s.test_loss), csv_number(s.test_accuracy), s.lr, s.seconds);
    if (validation_) row += "," + csv_number(s.val_loss) + "," + csv_number(s.val_accuracy);
    if (penalty_) row += "," + csv_number(s.l2_penalty);
    row += "\n";
    text_ += row;
    out_ << row;
    out_.flush();
    if (next_) next_->on_epoch(s);
  }
  const std::string& text() const { return text_; }

 private:
  static std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }
  std::ofstream out_;
  bool validation_, penalty_;
  RunObserver* next_;
  std::string text_;
};

// The first `limit` samples of `data` (all when limit is 0 or larger).
Dataset first_samples(const Dataset& data, std::size_t limit) {
  if (limit == 0 || limit >= data.size()) return data;
  std::vector<std::size_t> indices(limit);
  for (std::size_t i = 0; i < limit; ++i) indices[i] = i;
  return data.subset(indices);
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

PreparedData load_and_split(const TrainConfig& config) {
  const DataOptions options = data_options(config);
  PreparedData prepared;
  Rng split_rng = stream(config.seed, Stream::kSplit);
  if (auto given = load_predefined_split(options)) {
    // IDX sets (MNIST, Fashion-MNIST) come with their own test set.
    prepared.train = std::move(given->train);
    prepared.test = std::move(given->test);
  } else {
    Dataset all = load_dataset(options);
    if (all.size() == 0) throw_data("{}: the data set is empty", all.name);
    SplitIndices split = split_dataset(all, config.test_fraction, split_rng);
    prepared.train = all.subset(split.kept);
    prepared.test = all.subset(split.held_out);
  }
  if (config.validation_fraction > 0) {
    // Carved from the training part only: the test part is never looked at.
    Dataset rest = std::move(prepared.train);
    SplitIndices inner = split_dataset(rest, config.validation_fraction, split_rng);
    prepared.train = rest.subset(inner.kept);
    prepared.validation = rest.subset(inner.held_out);
  }
  prepared.train = first_samples(prepared.train, config.train_limit);
  if (prepared.train.size() == 0) throw_data("{}: no samples left for training", prepared.train.name);
  return prepared;
}

PreparedData prepare_data(const TrainConfig& config) {
  PreparedData prepared = load_and_split(config);
  // auto: standard scaling for tabular data (seed 000 found it best); images
  // keep their pixels scaled to [0, 1], converted batch by batch.
  const bool image = prepared.train.is_image();
  const ScalerKind kind = config.scale == "auto" ? (image ? ScalerKind::kNone : ScalerKind::kStandard)
                                                 : parse_scaler_kind(config.scale);
  if (kind != ScalerKind::kNone && image)
    for (Dataset* d : {&prepared.train, &prepared.validation, &prepared.test}) d->materialize_features();
  prepared.scaler = Scaler::fit(kind, prepared.train);
  if (kind != ScalerKind::kNone) {
    prepared.scaler.apply(prepared.train);
    prepared.scaler.apply(prepared.validation);
    prepared.scaler.apply(prepared.test);
  }
  return prepared;
}

namespace {

std::string checkpoint_path(const std::string& dir) { return (fs::path(dir) / "checkpoint.snc").string(); }

// A run from the start, or from `resume` (a checkpoint of this config).
RunSummary run(const TrainConfig& config, RunObserver* observer, const Checkpoint* resume) {
  set_num_threads(config.threads);
  // Data parallelism: every process trains; the first alone reports and writes.
  Communicator& comm = world();
  const bool lead = comm.rank() == 0;
  if (!lead) observer = nullptr;
  PreparedData data = prepare_data(config);
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

  Rng init_rng = stream(config.seed, Stream::kInit);
  net.initialize(InitScheme::parse(config.init), init_rng);
  OptimizerOptions opt;
  opt.lr = config.lr;
  opt.weight_decay = config.weight_decay;
  opt.momentum = config.momentum;
  opt.beta1 = config.beta1;
  opt.beta2 = config.beta2;
  auto optimizer = make_optimizer(config.optimizer, opt);
  auto loss = make_loss<float>(model.loss);
  Rng shuffle_rng = stream(config.seed, Stream::kShuffle);
  TrainOptions options;
  options.epochs = config.epochs;
  options.batch_size = config.batch_size;
  options.patience = config.early_stopping;
  options.monitor = config.monitor == "val_accuracy" ? Monitor::kValAccuracy : Monitor::kValLoss;
  options.min_delta = config.min_delta;
  options.loss_tolerance = config.loss_tolerance;
  options.lr_schedule = config.lr_schedule;
  options.seed = stream(config.seed, Stream::kLayers).next_u64();
  options.comm = &comm;
  Trainer trainer(net, *loss, *optimizer, options, shuffle_rng);

  OutputFolder out(config.out.empty() ? default_out_dir() : config.out, lead);
  if (observer) observer->on_start(config, data, net);
  const bool has_validation = data.validation.size() > 0;
  MetricsWriter metrics(lead ? out.staged("metrics.csv") : "/dev/null", has_validation, config.weight_decay > 0, observer,
                        resume ? resume->metrics_csv : std::string());
  const std::string checkpoint_file = checkpoint_path(out.dir());
  auto write_checkpoint = [&](const TrainingState& state) {
    if (lead) save_checkpoint({model.config_toml, metrics.text(), state}, checkpoint_file);
  };
  auto on_epoch_end = [&](const TrainingState& state) {
    if (config.checkpoint_every > 0 && state.epochs_done % config.checkpoint_every == 0)
      write_checkpoint(state);
  };

  RunSummary s;
  s.task = task;
  s.parameters = net.parameter_count();
  s.train_samples = data.train.size();
  s.validation_samples = data.validation.size();
  s.test_samples = data.test.size();
  s.out_dir = out.dir();
  const auto start = std::chrono::steady_clock::now();
  FitResult fit;
  try {
    fit = trainer.fit(data.train, has_validation ? &data.validation : nullptr,
                      config.evaluate_test ? &data.test : nullptr, &metrics,
                      resume ? &resume->state : nullptr, on_epoch_end);
  } catch (const Error& e) {
    if (e.kind() == ErrorKind::kInterrupted) {
      // Keep what the finished epochs earned: a checkpoint at the last epoch boundary.
      const TrainingState& state = trainer.boundary_state();
      write_checkpoint(state);
      throw Error(ErrorKind::kInterrupted,
                  fmt::format("{}; the state after epoch {} is saved in {}\nContinue with: scratchnet "
                              "train --resume {}",
                              e.what(), state.epochs_done, checkpoint_file, out.dir()));
    }
    if (e.kind() != ErrorKind::kDivergence) throw;
    // Keep the last good model and the metrics so far, then report the divergence.
    s.diverged = true;
    s.stop_reason = e.what();
    s.train_seconds = seconds_since(start);
    if (lead) {
      save_model(model, out.staged("model.snm"));
      write_file_atomic(out.staged("summary.json"), summary_json(s));
      write_file_atomic(out.staged("config.toml"), model.config_toml);
      out.commit();
    }
    throw Error(ErrorKind::kDivergence, fmt::format("{}\nThe last good model and the metrics so far are in {}/",
                                                    e.what(), out.dir()));
  }
  s.train_seconds = seconds_since(start);
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
  s.processes = comm.size();
  if (trainer.allreduce_calls() > 0) {
    s.allreduce_ms_per_step = 1e3 * trainer.allreduce_seconds() / static_cast<double>(trainer.allreduce_calls());
    s.allreduce_bytes_per_step = (net.parameter_count() + 1) * sizeof(float);
  }
  s.l2_penalty = trainer.l2_penalty();

  // Final metrics of the model as saved (after any restore of the best weights), in eval mode.
  const EvalResult train_eval = trainer.evaluate(data.train);
  s.train_loss = train_eval.loss;
  s.train_accuracy = train_eval.accuracy;
  if (has_validation) {
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

  // Test hook (tests/mpi): with $SCRATCHNET_RANK_MODELS set, every process
  // also saves its final model as <that folder>/rank<R>.snm, so that a test
  // can check that all processes of a data-parallel run hold the same model.
  if (const char* rank_models = std::getenv("SCRATCHNET_RANK_MODELS"))
    save_model(model, (fs::path(rank_models) / fmt::format("rank{}.snm", comm.rank())).string());
  if (lead) {
    save_model(model, out.staged("model.snm"));
    write_file_atomic(out.staged("summary.json"), summary_json(s));
    write_file_atomic(out.staged("config.toml"), model.config_toml);
    out.commit();
    std::error_code ignored;
    fs::remove(checkpoint_file, ignored);  // the finished run supersedes it
  }
  if (observer) observer->on_finish(s);
  return s;
}

}  // namespace

RunSummary run_training(const TrainConfig& config, RunObserver* observer) {
  return run(config, observer, nullptr);
}

RunSummary resume_training(const std::string& dir, RunObserver* observer) {
  const std::string path = checkpoint_path(dir);
  if (!fs::exists(path))
    throw_data("{}: no checkpoint to resume from (train with --checkpoint-every N, or interrupt a run)",
               path);
  const Checkpoint checkpoint = load_checkpoint(path);
  TrainConfig config;
  config.load_toml_text(checkpoint.config_toml, path + " (stored settings)");
  config.out = dir;
  return run(config, observer, &checkpoint);
}

std::string summary_json(const RunSummary& s) {
  std::string j = "{\n";
  auto field = [&j](const char* key, const std::string& value) {
    j += fmt::format("  \"{}\": {},\n", key, value);
  };
  const bool regression = s.task == Task::kRegression;
  field("task", regression ? "\"regression\"" : "\"classification\"");
  field("test_accuracy", json_number(s.test_accuracy));
  field("test_loss", json_number(s.test_loss));
  field("train_accuracy", json_number(s.train_accuracy));
  field("train_loss", json_number(s.train_loss));
  if (s.validation_samples > 0) {
    field("val_accuracy", json_number(s.val_accuracy));
    field("val_loss", json_number(s.val_loss));
  }
  if (regression) {
    field("test_mse", json_number(s.test_loss));
    field("test_rmse", json_number(std::sqrt(s.test_loss)));
    field("train_mse", json_number(s.train_loss));
  }
  field("l2_penalty", json_number(s.l2_penalty));
  field("losses_include_l2_penalty", "false");
  field("epochs", std::to_string(s.epochs));
  field("best_epoch", std::to_string(s.best_epoch));
  field("stopped_early", s.stopped_early ? "true" : "false");
  field("diverged", s.diverged ? "true" : "false");
  field("stop_reason", json_string(s.stop_reason));
  field("parameters", std::to_string(s.parameters));
  field("train_samples", std::to_string(s.train_samples));
  field("validation_samples", std::to_string(s.validation_samples));
  field("test_samples", std::to_string(s.test_samples));
  field("train_seconds", json_number(s.train_seconds));
  field("samples_per_second", json_number(s.samples_per_second));
  field("inference_us_per_sample", json_number(s.inference_us_per_sample));
  field("processes", std::to_string(s.processes));
  if (s.processes > 1) {
    field("allreduce_ms_per_step", json_number(s.allreduce_ms_per_step));
    field("allreduce_bytes_per_step", std::to_string(s.allreduce_bytes_per_step));
  }
  j.erase(j.size() - 2);  // the last comma
  return j + "\n}\n";
}

}  // namespace scratchnet
