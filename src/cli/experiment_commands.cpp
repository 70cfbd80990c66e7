// `scratchnet compare` and `scratchnet search`: many training runs, a table,
// plots and a report. Both take every `train` setting.

#include <cmath>
#include <memory>
#include <mutex>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "settings_flags.h"
#include "scratchnet/core/error.h"
#include "scratchnet/experiments/compare.h"
#include "scratchnet/experiments/experiment_file.h"
#include "scratchnet/experiments/experiment_options.h"
#include "scratchnet/experiments/search.h"

namespace scratchnet::cli {
namespace {

std::string metric(double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : "-"; }

// One line per finished run: [i/N] label: metrics, seconds, ETA.
class ProgressPrinter final : public ExperimentObserver {
 public:
  explicit ProgressPrinter(bool validation) : validation_(validation) {}
  void on_run_done(std::size_t index, std::size_t total, const std::string& label,
                   const RunSummary& s, double eta) override {
    std::lock_guard lock(mutex_);
    std::string result;
    if (validation_)
      result = s.task == Task::kClassification ? "val_acc " + metric(s.val_accuracy)
                                               : "val_loss " + metric(s.val_loss);
    else
      result = s.task == Task::kClassification
                   ? fmt::format("train_acc {}  test_acc {}", metric(s.train_accuracy), metric(s.test_accuracy))
                   : fmt::format("train_loss {}  test_loss {}", metric(s.train_loss), metric(s.test_loss));
    if (s.diverged) result = "diverged";
    fmt::print("[{}/{}] {}: {}  ({:.1f} s, ETA {:.0f} s)\n", index + 1, total, label, result,
               s.train_seconds, eta);
    std::fflush(stdout);
  }

 private:
  bool validation_;
  std::mutex mutex_;
};

struct ExperimentFlags {
  std::vector<std::string> vary, params;
  std::size_t repeats = 0, trials = 0, jobs = 0, top = 0, refine_top = 0, refine_trials = 0;
  std::uint64_t search_seed = 0;
  std::string title, facet;
};

// Whether option `name` exists on `cmd` and was given.
bool given(const CLI::App& cmd, const std::string& name) {
  const CLI::Option* option = cmd.get_option_no_throw(name);
  return option != nullptr && option->count() > 0;
}

// The experiment file's [experiment] section with the given flags on top.
// (--seed is the training seed; the search's own is --search-seed.)
ExperimentSpec resolve_spec(const CLI::App& cmd, const SettingsFlags& settings, const ExperimentFlags& f,
                            const TrainConfig& base) {
  ExperimentSpec spec;
  if (!settings.config_file.empty()) spec = load_experiment_spec(settings.config_file);
  ExperimentOverrides o;
  o.vary = f.vary;
  o.params = f.params;
  const auto flag = [&](const char* name, std::optional<std::size_t>& field, std::size_t value) {
    if (given(cmd, name)) field = value;
  };
  flag("--repeats", o.repeats, f.repeats);
  flag("--trials", o.trials, f.trials);
  flag("--jobs", o.jobs, f.jobs);
  flag("--top", o.top, f.top);
  flag("--refine-top", o.refine_top, f.refine_top);
  flag("--refine-trials", o.refine_trials, f.refine_trials);
  if (given(cmd, "--search-seed")) o.search_seed = f.search_seed;
  if (given(cmd, "--out")) o.out = base.out;  // --out names the experiment folder here
  if (!f.title.empty()) o.title = f.title;
  if (!f.facet.empty()) o.facet = f.facet;
  return apply_overrides(spec, o);
}

void add_common(CLI::App& cmd, ExperimentFlags& f) {
  cmd.add_option("--title", f.title, "title of the report");
  cmd.add_option("--jobs", f.jobs, "runs in parallel (default 1)");
}

}  // namespace

Command add_compare_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "compare", "Train every combination of --vary values and compare them (table, plots, report)");
  auto settings = add_settings_flags(*cmd, "EXPERIMENT.toml: training sections plus [experiment]");
  auto f = std::make_shared<ExperimentFlags>();
  cmd->add_option("--vary", f->vary, "KEY=V1,V2,...: a setting and its values (repeatable)");
  cmd->add_option("--repeats", f->repeats, "runs per variant with seeds seed, seed+1, ... (mean ± std)");
  cmd->add_option("--facet", f->facet,
                  "varied KEY with one figure panel per value (default: the first of two or more; none)");
  add_common(*cmd, *f);
  cmd->footer("Example: scratchnet compare --data digits --vary train.optimizer=sgd,adam --out runs/opt");
  return [cmd, settings, f] {
    TrainConfig base = resolve_settings(*cmd, *settings, {"experiment"});
    const CompareOptions options = compare_options(resolve_spec(*cmd, *settings, *f, base));
    fmt::print("compare: {} variant(s) x {} repeat(s) -> {}/\n", cartesian_product(options.vary).size(),
               options.repeats, options.out);
    ProgressPrinter progress(false);
    run_compare(base, options, &progress);
    fmt::print("wrote {}/results.csv, results.md, report.html and the plots\n", options.out);
  };
}

Command add_search_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "search", "Random hyper-parameter search on a validation split, then one test of the best");
  auto settings = add_settings_flags(*cmd, "EXPERIMENT.toml: training sections plus [experiment]");
  auto f = std::make_shared<ExperimentFlags>();
  cmd->add_option("--param", f->params,
                  "KEY=DIST, DIST = log:A:B | uniform:A:B | int:A:B | choice:a,b,c (repeatable)");
  cmd->add_option("--trials", f->trials, "trials of the first pass (default 20)");
  cmd->add_option("--top", f->top, "best trials to list (default 20)");
  cmd->add_option("--refine-top", f->refine_top,
                  "second pass: narrow the ranges to the best K trials (default 0: none)");
  cmd->add_option("--refine-trials", f->refine_trials, "trials of the second pass (default: --trials)");
  cmd->add_option("--search-seed", f->search_seed, "seed of the trial draws (default 1)");
  add_common(*cmd, *f);
  cmd->footer("Example: scratchnet search --data digits --param train.lr=log:1e-5:1e-1 --trials 30 --out runs/lr");
  return [cmd, settings, f] {
    TrainConfig base = resolve_settings(*cmd, *settings, {"experiment"});
    const SearchOptions options = search_options(resolve_spec(*cmd, *settings, *f, base));
    fmt::print("search: {} trials on {} job(s) -> {}/\n", options.trials, options.jobs, options.out);
    ProgressPrinter progress(true);
    const SearchResult result = run_search(base, options, &progress);
    const bool classification = result.best_test.task == Task::kClassification;
    fmt::print("\nbest trials (validation {}):\n", classification ? "accuracy" : "loss");
    for (std::size_t r = 0; r < std::min(options.top, result.ranked.size()); ++r) {
      const Trial& t = result.trials[result.ranked[r]];
      std::string values;
      for (const auto& [key, value] : t.values) values += fmt::format("{}{}: {}", values.empty() ? "" : ", ", key, value);
      fmt::print("Best-{}(val {}:{}) | {}\n", r + 1, classification ? "acc" : "loss",
                 metric(classification ? t.summary.val_accuracy : t.summary.val_loss), values);
    }
    if (!result.refined.empty()) {
      fmt::print("second pass ranges:");
      for (const auto& p : result.refined) fmt::print(" {}", p.str());
      fmt::print("\n");
    }
    fmt::print("\nbest configuration: {}/best.toml\n", options.out);
    fmt::print("its test {} (one evaluation, after the search): {}\n",
               classification ? "accuracy" : "loss",
               metric(classification ? result.best_test.test_accuracy : result.best_test.test_loss));
  };
}

}  // namespace scratchnet::cli
