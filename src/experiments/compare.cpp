#include "scratchnet/experiments/compare.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/report.h"
#include "scratchnet/io/binary.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

// Records each step's loss of one run, for the loss-per-iteration plot.
class StepRecorder : public RunObserver {
 public:
  void on_step(Trainer&, const StepInfo& step) override { losses.push_back(step.loss); }
  std::vector<double> losses;
};

std::string cell(double v, int digits = 4) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "";
}

std::string cell(const MeanStd& m, bool with_std) {
  if (!std::isfinite(m.mean)) return "";
  return with_std ? fmt::format("{:.4f} ± {:.4f}", m.mean, m.std) : fmt::format("{:.4f}", m.mean);
}

// Per-epoch values of one column of a run's metrics.csv.
std::vector<double> metric_column(const std::string& run_dir, const std::string& column) {
  std::ifstream in(fs::path(run_dir) / "metrics.csv");
  std::string line;
  if (!std::getline(in, line)) return {};
  std::size_t index = 0, found = std::string::npos;
  for (std::size_t start = 0;; ++index) {
    const std::size_t comma = line.find(',', start);
    if (line.substr(start, comma - start) == column) found = index;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  std::vector<double> values;
  while (found != std::string::npos && std::getline(in, line)) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < found && start != std::string::npos; ++i) {
      start = line.find(',', start);
      if (start != std::string::npos) ++start;
    }
    if (start == std::string::npos) break;
    const std::string text = line.substr(start, line.find(',', start) - start);
    values.push_back(text.empty() ? kNaN : std::stod(text));
  }
  return values;
}

Chart line_chart(const std::string& name, const std::string& title, const std::string& x_label,
                 const std::string& y_label) {
  Chart chart;
  chart.name = name;
  chart.title = title;
  chart.x_label = x_label;
  chart.y_label = y_label;
  return chart;
}

}  // namespace

Variation parse_variation(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw_usage("--vary '{}': write KEY=V1,V2,..., e.g. train.optimizer=sgd,adam", text);
  Variation v{text.substr(0, eq), {}};
  // Values are separated by ';' when there is one (values holding commas,
  // like model.layers=30,30;50,50), else by ','.
  const char separator = text.find(';', eq) != std::string::npos ? ';' : ',';
  std::size_t start = eq + 1;
  while (true) {
    const std::size_t comma = text.find(separator, start);
    std::string value = text.substr(start, comma == std::string::npos ? comma : comma - start);
    if (value.empty()) throw_usage("--vary '{}': empty value", text);
    v.values.push_back(value);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  // Validate key and values now, not after hours of training.
  TrainConfig probe;
  for (const auto& value : v.values) probe = with_settings(probe, {{v.key, value}});
  return v;
}

std::vector<Assignment> cartesian_product(const std::vector<Variation>& variations) {
  std::vector<Assignment> product(1);
  for (const auto& variation : variations) {
    std::vector<Assignment> next;
    for (const auto& partial : product)
      for (const auto& value : variation.values) {
        Assignment a = partial;
        a.emplace_back(variation.key, value);
        next.push_back(std::move(a));
      }
    product = std::move(next);
  }
  return product;
}

std::vector<VariantResult> run_compare(const TrainConfig& base, const CompareOptions& options,
                                       ExperimentObserver* observer) {
  if (options.out.empty()) throw_usage("compare needs an output folder (--out)");
  if (options.repeats == 0) throw_usage("--repeats must be at least 1");
  const std::vector<Assignment> variants = cartesian_product(options.vary);
  const std::size_t total = variants.size() * options.repeats;
  std::vector<VariantResult> results(variants.size());
  std::vector<std::vector<double>> step_losses(variants.size());
  std::vector<std::string> first_run_dir(variants.size());
  std::vector<std::vector<bool>> done(variants.size(), std::vector<bool>(options.repeats, false));
  std::vector<std::vector<RunSummary>> summaries(variants.size(),
                                                 std::vector<RunSummary>(options.repeats));
  fs::create_directories(options.out);
  std::mutex mutex;
  std::size_t finished = 0;
  const auto start = std::chrono::steady_clock::now();

  auto job = [&](std::size_t i) {
    const std::size_t v = i / options.repeats, r = i % options.repeats;
    TrainConfig config = with_settings(base, variants[v]);
    config.seed = base.seed + r;
    // Parallel runs share the cores (unless the user chose a thread count).
    if (config.threads == 0) config.threads = default_thread_count(static_cast<int>(options.jobs));
    std::string dir = (fs::path(options.out) / "runs" / folder_name(variants[v])).string();
    if (options.repeats > 1) dir = (fs::path(dir) / fmt::format("repeat-{}", r + 1)).string();
    config.out = dir;
    StepRecorder steps;
    const RunSummary summary = run_or_record_divergence(config, &steps);
    std::string csv = "iteration,loss\n";
    for (std::size_t s = 0; s < steps.losses.size(); ++s)
      csv += fmt::format("{},{:.6g}\n", s + 1, steps.losses[s]);
    if (fs::exists(dir)) write_file_atomic((fs::path(dir) / "steps.csv").string(), csv);
    std::lock_guard lock(mutex);
    summaries[v][r] = summary;
    done[v][r] = true;
    if (r == 0) {
      step_losses[v] = std::move(steps.losses);
      first_run_dir[v] = dir;
    }
    ++finished;
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (observer)
      observer->on_run_done(finished - 1, total,
                            describe(variants[v]) +
                                (options.repeats > 1 ? fmt::format(" (repeat {})", r + 1) : ""),
                            summary, elapsed / finished * (total - finished));
  };

  std::exception_ptr error;
  try {
    run_parallel(total, options.jobs, job);
  } catch (...) {
    error = std::current_exception();
  }

  // Tables, plots and the report cover every finished run.
  bool classification = true;
  for (std::size_t v = 0; v < variants.size(); ++v)
    for (std::size_t r = 0; r < options.repeats; ++r)
      if (done[v][r]) classification = summaries[v][r].task == Task::kClassification;
  ReportTable table;
  for (const auto& variation : options.vary) table.header.push_back(variation.key);
  const bool with_std = options.repeats > 1;
  // The printed table leaves out accuracy columns a regression cannot fill;
  // results.csv keeps one layout for every task.
  for (const char* h : {"runs", "train_accuracy", "test_accuracy", "train_loss", "test_loss",
                        "best_epoch", "seconds"})
    if (classification || std::string_view(h).find("accuracy") == std::string_view::npos)
      table.header.emplace_back(h);
  std::string csv;
  for (const auto& variation : options.vary) csv += variation.key + ",";
  csv += "runs,train_accuracy,train_accuracy_std,test_accuracy,test_accuracy_std,train_loss,"
         "train_loss_std,test_loss,test_loss_std,best_epoch,seconds\n";
  Chart losses = line_chart("loss_per_iteration", "training loss per iteration", "iteration", "loss");
  losses.smooth = 25;
  Chart test_curve = line_chart(classification ? "test_accuracy" : "test_loss",
                                classification ? "test accuracy per epoch" : "test loss per epoch",
                                "epoch", classification ? "test accuracy" : "test loss (MSE)");
  Chart train_curve = line_chart("train_accuracy", "train accuracy per epoch", "epoch", "train accuracy");
  test_curve.whole_x = train_curve.whole_x = true;
  // Regression losses span decades between the first epochs and the last.
  test_curve.log_y = !classification;
  for (std::size_t v = 0; v < variants.size(); ++v) {
    VariantResult& result = results[v];
    result.assignment = variants[v];
    for (std::size_t r = 0; r < options.repeats; ++r)
      if (done[v][r]) result.runs.push_back(summaries[v][r]);
    if (result.runs.empty()) continue;
    std::vector<double> train_acc, test_acc, train_loss, test_loss, best, seconds;
    for (const auto& s : result.runs) {
      train_acc.push_back(s.train_accuracy);
      test_acc.push_back(s.test_accuracy);
      train_loss.push_back(s.train_loss);
      test_loss.push_back(s.test_loss);
      best.push_back(static_cast<double>(s.best_epoch));
      seconds.push_back(s.train_seconds);
    }
    const MeanStd ta = mean_std(train_acc), sa = mean_std(test_acc), tl = mean_std(train_loss),
                  sl = mean_std(test_loss);
    std::vector<std::string> row;
    for (const auto& [key, value] : variants[v]) {
      row.push_back(value);
      csv += value + ",";
    }
    std::size_t diverged = 0;
    for (const auto& s : result.runs) diverged += s.diverged;
    row.push_back(diverged ? fmt::format("{} ({} diverged)", result.runs.size(), diverged)
                           : std::to_string(result.runs.size()));
    if (classification) {
      row.push_back(cell(ta, with_std));
      row.push_back(cell(sa, with_std));
    }
    row.push_back(cell(tl, with_std));
    row.push_back(cell(sl, with_std));
    row.push_back(cell(mean_std(best).mean, 1));
    row.push_back(cell(mean_std(seconds).mean, 2));
    table.rows.push_back(row);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", result.runs.size(), cell(ta.mean, 6),
                       cell(ta.std, 6), cell(sa.mean, 6), cell(sa.std, 6), cell(tl.mean, 6),
                       cell(tl.std, 6), cell(sl.mean, 6), cell(sl.std, 6), cell(mean_std(best).mean, 1),
                       cell(mean_std(seconds).mean, 3));
    const std::string label = describe(variants[v]);
    if (!step_losses[v].empty()) losses.series.push_back({label, {}, step_losses[v]});
    if (!first_run_dir[v].empty()) {
      test_curve.series.push_back(
          {label, {}, metric_column(first_run_dir[v], classification ? "test_accuracy" : "test_loss")});
      if (classification)
        train_curve.series.push_back({label, {}, metric_column(first_run_dir[v], "train_accuracy")});
    }
  }
  write_file_atomic((fs::path(options.out) / "results.csv").string(), csv);
  write_file_atomic((fs::path(options.out) / "results.md").string(),
                    fmt::format("# {}\n\n{}", options.title, markdown_table(table)));

  std::vector<Chart> charts = {losses, test_curve};
  if (classification) charts.push_back(train_curve);
  const std::string text =
      fmt::format("{} of {} runs finished. Every variant trains on the same data split; repeat r "
                  "uses seed {} + r. Accuracies and losses are those of the final model in eval "
                  "mode{}.",
                  finished, total, base.seed, with_std ? " (mean ± standard deviation over repeats)" : "");
  ReportSection section{"Results", text, {table}, {}};
  for (const auto& chart : charts) {
    if (chart.series.empty()) continue;
    render(chart, options.out);
    section.svg_files.push_back((fs::path(options.out) / (chart.name + ".svg")).string());
  }
  write_report(options.out, options.title, {section});
  if (error) std::rethrow_exception(error);
  return results;
}

}  // namespace scratchnet
