#include "console.h"

#include <cmath>
#include <cstdio>

#include <fmt/format.h>
#include <unistd.h>

namespace scratchnet::cli {
namespace {

std::string metric(double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : "-"; }

// What loading an image folder found: the header's "images:" lines.
void print_image_report(const ImageFolderReport& r) {
  fmt::print("images: {} from {} ({} colour), {}x{}x{}{}{}\n", r.images, r.root, r.color_images, r.channels, r.height,
             r.width, r.resized ? fmt::format(", {} resized", r.resized) : "",
             r.predefined_split ? ", train/ and test/ as the split" : "");
  if (r.other_files > 0) {
    std::string kinds;
    for (const auto& [ext, n] : r.other_extensions) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", n, ext);
    fmt::print("images: {} other file(s) skipped ({})\n", r.other_files, kinds);
  }
  for (const auto& w : r.warnings) fmt::print("warning: {}\n", w);
  for (const auto& bad : r.bad_images) fmt::print("skipped (--skip-bad-images): {}: {}\n", bad.path, bad.reason);
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::size_t log_every, bool quiet)
    : log_every_(log_every), quiet_(quiet), tty_(::isatty(STDERR_FILENO) != 0) {}

void ConsoleReporter::on_start(const TrainConfig& config, const PreparedData& data,
                               const Network<float>& network, const Optimizer& optimizer) {
  epochs_ = config.epochs;
  if (log_every_ == 0) log_every_ = std::max<std::size_t>(1, (epochs_ + 24) / 25);
  regression_ = data.train.task == Task::kRegression;
  running_ = config.train_metrics == TrainMetrics::kRunning;  // run_acc: the running mean over the batches
  if (quiet_) return;
  const std::string what =
      regression_ ? fmt::format("regression, {} target(s)", data.train.target_dim)
                  : fmt::format("{} classes", data.train.class_names.size());
  fmt::print("data: {} -- {} train{} / {} test samples of shape {}, {}; scaling: {}\n",
             data.train.name, data.train.size(),
             data.validation.size() ? fmt::format(" / {} validation", data.validation.size()) : "",
             data.test.size(), data.train.sample_shape.str(), what, to_string(config.scale));
  if (data.tabular) fmt::print("table: {}\n", data.tabular->describe());
  if (data.unseen_cells > 0)
    fmt::print("warning: {} test/validation cell(s) hold a category the training rows do not ({}); encoded as all zeros\n",
               data.unseen_cells, data.unseen_summary);
  if (data.image_report) print_image_report(*data.image_report);
  std::string layers;
  for (std::size_t i = 0; i < network.size(); ++i)
    layers += (i ? " -> " : "") + network.layer(i).spec().str();
  fmt::print("network: {} ({} parameters)\n", layers, network.parameter_count());
  std::string hyper;
  for (const auto& [name, value] : optimizer.hyper_parameters())
    hyper += fmt::format("{}{} {:g}", hyper.empty() ? "" : ", ", name, value);
  fmt::print("training: {}{}, lr {:g} {}, batch {}, {} epochs, seed {}, {} thread{}{}{}\n", optimizer.name(),
             hyper.empty() ? "" : " (" + hyper + ")", optimizer.lr(), config.lr_schedule, config.batch_size,
             config.epochs, config.seed, config.threads, config.threads == 1 ? "" : "s",
             config.weight_decay > 0 ? fmt::format(", L2 weight decay {:g}", config.weight_decay) : "",
             config.early_stopping > 0 ? fmt::format(", early stopping on {} (patience {})", to_string(config.monitor),
                                                     config.early_stopping)
                                       : "");
  std::fflush(stdout);
}

void ConsoleReporter::clear_bar() {
  if (bar_shown_) {
    std::fprintf(stderr, "\r\033[K");
    bar_shown_ = false;
  }
}

void ConsoleReporter::on_step(Trainer& /*trainer*/, const StepInfo& step) {
  if (quiet_ || !tty_) return;
  const auto now = std::chrono::steady_clock::now();
  if (step.batch != step.batches && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(kWidth * step.batch / step.batches);
  std::fprintf(stderr, "\r epoch %zu/%zu [%s%s] %zu/%zu  loss %.4f", step.epoch, epochs_,
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               step.batch, step.batches, step.loss);
  std::fflush(stderr);
  bar_shown_ = true;
}

void ConsoleReporter::on_epoch_end(Trainer& /*trainer*/, const EpochStats& s, EpochControl& /*control*/) {
  if (quiet_) return;
  if (s.epoch != 1 && s.epoch != epochs_ && s.epoch % log_every_ != 0) return;
  clear_bar();
  if (regression_)
    fmt::print("epoch {:>4}/{}  iter {:>7}  train_mse {}  test_mse {}  lr {:.3g}  {:.2f}s\n",
               s.epoch, epochs_, s.iteration, metric(s.train_loss), metric(s.test_loss), s.lr,
               s.seconds);
  else
    fmt::print("epoch {:>4}/{}  iter {:>7}  train_loss {}  {} {}{}  test_acc {}  lr {:.3g}  {:.2f}s\n",
               s.epoch, epochs_, s.iteration, metric(s.train_loss), running_ ? "run_acc" : "train_acc",
               metric(s.train_accuracy),
               std::isfinite(s.val_loss)
                   ? fmt::format("  val_loss {}  val_acc {}", metric(s.val_loss), metric(s.val_accuracy))
                   : "",
               metric(s.test_accuracy), s.lr, s.seconds);
  std::fflush(stdout);
}

void ConsoleReporter::on_fold(std::size_t fold, std::size_t folds, const RunSummary& s) {
  if (quiet_) return;
  if (fold == 1)
    fmt::print("cross-validation: {} folds of the training part, a model per fold (then the final model)\n", folds);
  if (s.task == Task::kRegression)
    fmt::print("cross-validation fold {}/{}: held-out mse {}\n", fold, folds, metric(s.test_loss));
  else
    fmt::print("cross-validation fold {}/{}: held-out accuracy {}  loss {}\n", fold, folds, metric(s.test_accuracy),
               metric(s.test_loss));
  std::fflush(stdout);
}

void ConsoleReporter::on_finish(const RunSummary& s) {
  clear_bar();
  if (quiet_) return;
  if (s.cv_folds > 0) {
    const auto pm = [](const MeanStd& m) { return fmt::format("{} ± {}", metric(m.mean), metric(m.std)); };
    if (s.task == Task::kRegression)
      fmt::print("cross-validation ({} folds of the training part): mse {}\n", s.cv_folds, pm(s.cv_loss));
    else
      fmt::print("cross-validation ({} folds of the training part): accuracy {}, balanced {}, macro F1 {}, loss {}\n",
                 s.cv_folds, pm(s.cv_accuracy), pm(s.cv_balanced_accuracy), pm(s.cv_macro_f1), pm(s.cv_loss));
  }
  if (s.stopped_early) fmt::print("stopped after epoch {}: {}\n", s.epochs, s.stop_reason);
  if (s.task == Task::kRegression)
    fmt::print("final: test_mse {} (rmse {}), train_mse {}\n", metric(s.test_loss),
               metric(std::sqrt(s.test_loss)), metric(s.train_loss));
  else
    fmt::print("final: test_accuracy {}  test_loss {}  train_accuracy {}  (balanced {}, macro F1 {})\n",
               metric(s.test_accuracy), metric(s.test_loss), metric(s.train_accuracy),
               metric(s.test_balanced_accuracy), metric(s.test_macro_f1));
  fmt::print("time: {} epochs in {:.2f} s, {:.0f} samples/s, inference {:.3f} us/sample\n", s.epochs,
             s.train_seconds, s.samples_per_second, s.inference_us_per_sample);
  fmt::print("wrote {}/ (model.snm, metrics.csv, summary.json, config.toml)\n", s.out_dir);
  std::fflush(stdout);
}

}  // namespace scratchnet::cli
