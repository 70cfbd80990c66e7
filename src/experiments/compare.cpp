#include "scratchnet/experiments/compare.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string_view>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/core/binary.h"
#include "compare_report.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

// Records each step's loss of one run, for the loss-per-iteration plot.
class StepRecorder : public RunObserver {
 public:
  void on_step(Trainer&, const StepInfo& step) override { losses.push_back(step.loss); }
  std::vector<double> losses;
};

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

std::vector<Facet> facets(const std::vector<Variation>& vary, const std::string& facet) {
  if (facet == "none" || (facet.empty() && vary.size() < 2)) return {};
  std::size_t key = 0;
  if (!facet.empty()) {
    std::string keys;
    for (key = 0; key < vary.size() && vary[key].key != facet; ++key)
      keys += (keys.empty() ? "" : ", ") + vary[key].key;
    if (key == vary.size())
      throw_usage("facet '{}' is not a varied key (varied: {}); or write facet = \"none\"", facet,
                  keys.empty() ? "none" : keys);
    if (vary.size() < 2) return {};
  }
  const std::vector<Assignment> variants = cartesian_product(vary);
  std::vector<Facet> panels;
  for (const std::string& value : vary[key].values) {
    Facet panel{describe({{vary[key].key, value}}), {}, {}};
    for (std::size_t v = 0; v < variants.size(); ++v) {
      if (variants[v][key].second != value) continue;
      Assignment others = variants[v];
      others.erase(others.begin() + static_cast<std::ptrdiff_t>(key));
      panel.variants.push_back(v);
      panel.labels.push_back(describe(others));
    }
    panels.push_back(std::move(panel));
  }
  return panels;
}

std::vector<VariantResult> run_compare(const TrainConfig& base, const CompareOptions& options,
                                       ExperimentObserver* observer) {
  if (options.out.empty()) throw_usage("compare needs an output folder (--out)");
  if (options.repeats == 0) throw_usage("--repeats must be at least 1");
  facets(options.vary, options.facet);  // a bad facet fails now, not after the runs
  const std::vector<Assignment> variants = cartesian_product(options.vary);
  const std::size_t total = variants.size() * options.repeats;
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
  // With cross-validation (train.cv) a variant's scores are its folds'
  // held-out scores, judged with the corrected resampled t-test.
  CompareOptions effective = options;
  CompareRecord record;
  record.results.resize(variants.size());
  for (std::size_t v = 0; v < variants.size(); ++v) {
    record.results[v].assignment = variants[v];
    for (std::size_t r = 0; r < options.repeats; ++r) {
      if (!done[v][r]) continue;
      const RunSummary& s = summaries[v][r];
      if (s.cv_runs.empty()) {
        record.results[v].runs.push_back(s);
        continue;
      }
      effective.design = ScoreDesign::folds(s.cv_train_rows, s.cv_held_out_rows);
      for (const RunSummary& fold : s.cv_runs) record.results[v].runs.push_back(fold);
    }
  }
  record.step_losses = std::move(step_losses);
  record.first_run_dir = std::move(first_run_dir);
  record.finished = finished;
  record.total = total;
  record.seed = base.seed;
  write_compare_outputs(effective, record);
  if (error) std::rethrow_exception(error);
  return record.results;
}

}  // namespace scratchnet
