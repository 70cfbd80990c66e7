#include "scratchnet/experiments/search.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <mutex>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/report.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/io/json.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

constexpr const char* kForms = "log:A:B, uniform:A:B, int:A:B or choice:a,b,c";

double parse_bound(const std::string& text, const std::string& whole) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v))
    throw_usage("--param '{}': '{}' is not a number", whole, text);
  return v;
}

std::string format_value(double v) { return fmt::format("{:.6g}", v); }

// The validation score, or with cross-validation (train.cv) the mean held-out score over the folds.
double score_of(const RunSummary& s) {
  if (s.cv_folds > 0) return s.task == Task::kClassification ? s.cv_accuracy.mean : -s.cv_loss.mean;
  return s.task == Task::kClassification ? s.val_accuracy : -s.val_loss;
}

}  // namespace

std::string ParamDistribution::sample(Rng& rng) const {
  switch (kind) {
    case Kind::kLog:
      return format_value(std::exp(rng.uniform(std::log(low), std::log(high))));
    case Kind::kUniform: return format_value(rng.uniform(low, high));
    case Kind::kInt: {
      const auto lo = static_cast<long long>(low), hi = static_cast<long long>(high);
      return std::to_string(lo + static_cast<long long>(rng.below(static_cast<std::uint64_t>(hi - lo + 1))));
    }
    case Kind::kChoice: return choices[rng.below(choices.size())];
  }
  return "";
}

std::string ParamDistribution::str() const {
  switch (kind) {
    case Kind::kLog: return fmt::format("{}=log:{:g}:{:g}", key, low, high);
    case Kind::kUniform: return fmt::format("{}=uniform:{:g}:{:g}", key, low, high);
    case Kind::kInt: return fmt::format("{}=int:{:g}:{:g}", key, low, high);
    case Kind::kChoice: return fmt::format("{}=choice:{}", key, fmt::join(choices, ","));
  }
  return "";
}

ParamDistribution parse_param(const std::string& text) {
  const auto eq = text.find('=');
  if (eq == std::string::npos || eq == 0)
    throw_usage("--param '{}': write KEY=DIST with DIST one of {}", text, kForms);
  ParamDistribution p;
  p.key = text.substr(0, eq);
  const std::string dist = text.substr(eq + 1);
  const auto colon = dist.find(':');
  const std::string kind = dist.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : dist.substr(colon + 1);
  if (kind == "choice") {
    p.kind = ParamDistribution::Kind::kChoice;
    std::size_t start = 0;
    while (true) {
      const auto comma = rest.find(',', start);
      const std::string value = rest.substr(start, comma == std::string::npos ? comma : comma - start);
      if (value.empty()) throw_usage("--param '{}': empty choice", text);
      p.choices.push_back(value);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  } else {
    const auto second = rest.find(':');
    if (second == std::string::npos) throw_usage("--param '{}': DIST must be one of {}", text, kForms);
    p.low = parse_bound(rest.substr(0, second), text);
    p.high = parse_bound(rest.substr(second + 1), text);
    if (kind == "log") {
      p.kind = ParamDistribution::Kind::kLog;
      if (!(p.low > 0)) throw_usage("--param '{}': a log range needs positive bounds", text);
    } else if (kind == "uniform") {
      p.kind = ParamDistribution::Kind::kUniform;
    } else if (kind == "int") {
      p.kind = ParamDistribution::Kind::kInt;
      if (p.low != std::floor(p.low) || p.high != std::floor(p.high))
        throw_usage("--param '{}': int bounds must be integers", text);
    } else {
      throw_usage("--param '{}': DIST must be one of {}", text, kForms);
    }
    if (!(p.low <= p.high)) throw_usage("--param '{}': the lower bound exceeds the upper", text);
  }
  // Validate the key and a value of the range now, not after the first trial.
  TrainConfig probe;
  Rng rng(0);
  probe.set(p.key, p.sample(rng));
  return p;
}

std::vector<ParamDistribution> narrow(const std::vector<ParamDistribution>& params,
                                      const std::vector<Assignment>& best) {
  std::vector<ParamDistribution> out = params;
  for (std::size_t i = 0; i < out.size(); ++i) {
    ParamDistribution& p = out[i];
    std::vector<std::string> seen;
    for (const auto& a : best) seen.push_back(a[i].second);
    if (seen.empty()) continue;
    if (p.kind == ParamDistribution::Kind::kChoice) {
      std::vector<std::string> kept;
      for (const auto& c : p.choices)
        if (std::find(seen.begin(), seen.end(), c) != seen.end()) kept.push_back(c);
      p.choices = kept;
      continue;
    }
    double lo = std::stod(seen[0]), hi = lo;
    for (const auto& v : seen) {
      lo = std::min(lo, std::stod(v));
      hi = std::max(hi, std::stod(v));
    }
    if (lo == hi) {  // a single best value: keep a neighbourhood around it
      if (p.kind == ParamDistribution::Kind::kLog) {
        lo /= 2;
        hi *= 2;
      } else {
        const double half = (p.high - p.low) / 10;
        lo -= half;
        hi += half;
      }
    }
    p.low = std::max(lo, p.low);
    p.high = std::min(hi, p.high);
    if (p.kind == ParamDistribution::Kind::kInt) {
      p.low = std::floor(p.low);
      p.high = std::ceil(p.high);
    }
  }
  return out;
}

SearchResult run_search(const TrainConfig& base_config, const SearchOptions& options,
                        ExperimentObserver* observer) {
  if (options.out.empty()) throw_usage("search needs an output folder (--out)");
  if (options.params.empty()) throw_usage("search needs at least one --param KEY=DIST");
  if (options.trials == 0) throw_usage("--trials must be at least 1");
  TrainConfig base = base_config;
  if (base.validation_fraction == 0) base.validation_fraction = 0.2;
  base.evaluate_test = 0;  // trials never look at the test split
  fs::create_directories(options.out);

  SearchResult result;
  Rng rng(options.seed);
  std::mutex mutex;

  // Draws `count` trials from `params` (in order, before any runs) and runs them.
  auto run_pass = [&](const std::vector<ParamDistribution>& params, std::size_t count, int pass) {
    const std::size_t first = result.trials.size();
    for (std::size_t t = 0; t < count; ++t) {
      Trial trial;
      trial.number = first + t + 1;
      trial.pass = pass;
      for (const auto& p : params) trial.values.emplace_back(p.key, p.sample(rng));
      result.trials.push_back(trial);
    }
    const std::size_t total = count;
    const auto pass_start = std::chrono::steady_clock::now();
    std::vector<bool> done(count, false);
    std::size_t pass_done = 0;
    std::exception_ptr error;
    try {
      run_parallel(count, options.jobs, [&](std::size_t t) {
        Trial& trial = result.trials[first + t];
        TrainConfig config = with_settings(base, trial.values);
        // Parallel trials share the cores (unless the user chose a thread count).
        if (config.threads == 0) config.threads = default_thread_count(static_cast<int>(options.jobs));
        config.out = (fs::path(options.out) / "trials" / fmt::format("trial-{:03}", trial.number)).string();
        const RunSummary summary = run_or_record_divergence(config, nullptr);
        std::lock_guard lock(mutex);
        trial.summary = summary;
        trial.score = score_of(summary);
        done[t] = true;
        ++pass_done;
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - pass_start).count();
        if (observer)
          observer->on_run_done(pass_done - 1, total,
                                fmt::format("trial {} ({})", trial.number, describe(trial.values)),
                                summary, elapsed / pass_done * (total - pass_done));
      });
    } catch (...) {
      error = std::current_exception();
    }
    // Unfinished trials (interrupt) leave the list.
    for (std::size_t t = count; t-- > 0;)
      if (!done[t]) result.trials.erase(result.trials.begin() + static_cast<std::ptrdiff_t>(first + t));
    if (error) std::rethrow_exception(error);
  };

  auto rank = [&] {
    result.ranked.resize(result.trials.size());
    for (std::size_t i = 0; i < result.ranked.size(); ++i) result.ranked[i] = i;
    std::stable_sort(result.ranked.begin(), result.ranked.end(), [&](std::size_t a, std::size_t b) {
      const double sa = result.trials[a].score, sb = result.trials[b].score;
      if (std::isfinite(sa) != std::isfinite(sb)) return std::isfinite(sa);
      return sa > sb;
    });
  };

  std::exception_ptr interrupted;
  try {
    run_pass(options.params, options.trials, 1);
    if (options.refine_top > 0) {
      rank();
      std::vector<Assignment> best;
      for (std::size_t i = 0; i < std::min(options.refine_top, result.ranked.size()); ++i)
        best.push_back(result.trials[result.ranked[i]].values);
      result.refined = narrow(options.params, best);
      run_pass(result.refined, options.refine_trials ? options.refine_trials : options.trials, 2);
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kInterrupted || result.trials.empty()) throw;
    interrupted = std::current_exception();
  }
  rank();

  // results.csv: trial, each setting, the validation metrics, seconds last.
  std::string csv = "trial,pass";
  for (const auto& p : options.params) csv += "," + csv_field(p.key);
  csv += ",val_accuracy,val_loss,train_accuracy,epochs,seconds\n";
  for (const auto& t : result.trials) {
    csv += fmt::format("{},{}", t.number, t.pass);
    for (const auto& [key, value] : t.values) csv += "," + csv_field(value);  // choice:30,30;50 quoted
    csv += fmt::format(",{},{},{},{},{:.3f}\n", json_number(t.summary.val_accuracy),
                       json_number(t.summary.val_loss), json_number(t.summary.train_accuracy),
                       t.summary.epochs, t.summary.train_seconds);
  }
  write_file_atomic((fs::path(options.out) / "results.csv").string(), csv);

  // Score against each searched setting.
  ReportSection plots{"Score against each setting", "", {}, {}, {}};
  const bool classification = result.trials.empty() || result.trials[0].summary.task == Task::kClassification;
  for (std::size_t i = 0; i < options.params.size(); ++i) {
    const auto& p = options.params[i];
    if (p.kind == ParamDistribution::Kind::kChoice) continue;
    Chart chart;
    chart.name = "score_vs_" + p.key.substr(p.key.find('.') + 1);
    chart.title = "validation score against " + p.key;
    chart.x_label = p.key;
    chart.y_label = classification ? "validation accuracy" : "validation loss";
    chart.log_x = p.kind == ParamDistribution::Kind::kLog;
    chart.style = Chart::Style::kPoints;
    Series series{"trials", {}, {}};
    for (const auto& t : result.trials) {
      series.x.push_back(std::stod(t.values[i].second));
      series.y.push_back(classification ? t.summary.val_accuracy : t.summary.val_loss);
    }
    chart.series.push_back(series);
    render(chart, options.out);
    plots.svg_files.push_back((fs::path(options.out) / (chart.name + ".svg")).string());
  }

  // The top trials, as seed 004 lists them.
  ReportTable top{"best trials", {"rank", classification ? "val accuracy" : "val loss"}, {}};
  for (const auto& p : options.params) top.header.push_back(p.key);
  for (std::size_t r = 0; r < std::min(options.top, result.ranked.size()); ++r) {
    const Trial& t = result.trials[result.ranked[r]];
    std::vector<std::string> row = {
        std::to_string(r + 1),
        fmt::format("{:.4f}", classification ? t.summary.val_accuracy : t.summary.val_loss)};
    for (const auto& [key, value] : t.values) row.push_back(value);
    top.rows.push_back(row);
  }
  write_file_atomic((fs::path(options.out) / "results.md").string(),
                    "# random search\n\n" + markdown_table(top));

  if (!result.ranked.empty()) {
    // The best configuration, complete and ready for `scratchnet train`; its
    // one test-set evaluation is that command's result.
    result.best_config = with_settings(base, result.trials[result.ranked[0]].values);
    result.best_config.evaluate_test = 1;
    result.best_config.out = (fs::path(options.out) / "best").string();
    write_file_atomic((fs::path(options.out) / "best.toml").string(), result.best_config.to_toml());
    if (!interrupted) result.best_test = run_training(result.best_config, nullptr);
  }
  std::string text = fmt::format("{} trials, scored on a validation split of {:g} of the training part.",
                                 result.trials.size(), base.validation_fraction);
  if (!result.refined.empty()) {
    std::vector<std::string> ranges;
    for (const auto& p : result.refined) ranges.push_back(p.str());
    text += fmt::format(" Second pass ranges: {}.", fmt::join(ranges, "; "));
  }
  if (std::isfinite(result.best_test.test_accuracy) || std::isfinite(result.best_test.test_loss))
    text += fmt::format(" The best configuration (best.toml), trained once more and tested: test {} {:.4f}.",
                        classification ? "accuracy" : "loss",
                        classification ? result.best_test.test_accuracy : result.best_test.test_loss);
  write_report(options.out, "random search", {{"Best trials", text, {top}, {}, {}}, plots});
  if (interrupted) std::rethrow_exception(interrupted);
  return result;
}

}  // namespace scratchnet
