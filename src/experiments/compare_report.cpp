#include "compare_report.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string_view>

#include <fmt/format.h>

#include "scratchnet/app/metrics_file.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/experiments/diagnostics_plots.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/report.h"
#include "scratchnet/experiments/run_plots.h"
#include "scratchnet/train/training_state.h"  // kNaN
#include "scratchnet/core/binary.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

std::string cell(double v, int digits = 4) {
  return std::isfinite(v) ? fmt::format("{:.{}f}", v, digits) : "";
}

std::string cell(const MeanStd& m, bool with_std) {
  if (!std::isfinite(m.mean)) return "";
  return with_std ? fmt::format("{:.4f} ± {:.4f}", m.mean, m.std) : fmt::format("{:.4f}", m.mean);
}

// Per-epoch values of one column of a run's metrics.csv; empty when the
// run or the column is missing.
std::vector<double> metric_column(const std::string& run_dir, const std::string& column) {
  const std::string path = (fs::path(run_dir) / "metrics.csv").string();
  if (!fs::exists(path)) return {};
  const MetricsTable table = read_metrics(path);
  const std::vector<double>* values = table.column(column);
  return values ? *values : std::vector<double>{};
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

// One curve per variant (`curves[v]`, for the variants that ran): in one
// chart, or as small multiples over `panels`. The curves of diverged runs
// are outliers: they leave the plot rather than set its range.
void add_curves(Chart& chart, const std::vector<Facet>& panels, const std::vector<std::string>& labels,
                const std::vector<bool>& ran, const std::vector<bool>& diverged,
                const std::vector<std::vector<double>>& curves) {
  if (panels.empty()) {
    for (std::size_t v = 0; v < curves.size(); ++v)
      if (ran[v]) chart.series.push_back({labels[v], {}, curves[v], diverged[v]});
    return;
  }
  for (const Facet& facet : panels) {
    Panel panel{facet.title, {}};
    for (std::size_t k = 0; k < facet.variants.size(); ++k) {
      const std::size_t v = facet.variants[k];
      if (ran[v]) panel.series.push_back({facet.labels[k], {}, curves[v], diverged[v]});
    }
    chart.panels.push_back(std::move(panel));
  }
}

// A metric of the final models and where it is in a run's summary.
struct MetricField {
  Metric metric;
  double RunSummary::*field;
  bool classification_only;
};

const std::vector<MetricField>& metric_fields() {
  static const std::vector<MetricField> fields = {
      {{"test accuracy", true}, &RunSummary::test_accuracy, true},
      {{"test loss", false}, &RunSummary::test_loss, false},
      {{"train accuracy", true}, &RunSummary::train_accuracy, true},
      {{"train loss", false}, &RunSummary::train_loss, false}};
  return fields;
}

// A path inside the output folder, relative to it (for links).
std::string relative(const std::string& path, const std::string& out) {
  return fs::path(path).lexically_relative(out).generic_string();
}

}  // namespace

void write_compare_outputs(const CompareOptions& options, const CompareRecord& record) {
  const std::vector<VariantResult>& results = record.results;
  std::vector<bool> ran(results.size()), diverged(results.size());
  std::vector<std::size_t> diverged_runs(results.size(), 0);  // per variant, over its repeats
  std::vector<std::string> labels;
  bool classification = true;
  for (std::size_t v = 0; v < results.size(); ++v) {
    ran[v] = !results[v].runs.empty();
    labels.push_back(describe(results[v].assignment));
    if (ran[v]) classification = results[v].runs[0].task == Task::kClassification;
    // The curves come from the first repeat.
    diverged[v] = ran[v] && !record.first_run_dir[v].empty() && results[v].runs[0].diverged;
    for (const auto& s : results[v].runs) diverged_runs[v] += s.diverged;
  }
  const bool with_std = options.repeats > 1;

  // The table: the varied settings, the number of runs, mean (± std) of the
  // final metrics. The printed table leaves out accuracy columns a
  // regression cannot fill; results.csv keeps one layout for every task.
  ReportTable table;
  for (const auto& variation : options.vary) table.header.push_back(variation.key);
  for (const char* h : {"runs", "train_accuracy", "test_accuracy", "train_loss", "test_loss",
                        "best_epoch", "seconds"})
    if (classification || std::string_view(h).find("accuracy") == std::string_view::npos)
      table.header.emplace_back(h);
  std::string csv;
  for (const auto& variation : options.vary) csv += csv_field(variation.key) + ",";
  csv += "runs,train_accuracy,train_accuracy_std,test_accuracy,test_accuracy_std,train_loss,"
         "train_loss_std,test_loss,test_loss_std,best_epoch,seconds\n";
  for (std::size_t v = 0; v < results.size(); ++v) {
    if (!ran[v]) continue;
    const VariantResult& result = results[v];
    std::vector<double> train_acc, test_acc, train_loss, test_loss, best, seconds;
    for (const auto& s : result.runs) {
      train_acc.push_back(s.train_accuracy);
      test_acc.push_back(s.test_accuracy);
      train_loss.push_back(s.train_loss);
      test_loss.push_back(s.test_loss);
      // A diverged run has no best epoch and no comparable time (its summary
      // holds 0 for both): left out of their means, as its NaN metrics are.
      best.push_back(s.diverged ? kNaN : static_cast<double>(s.best_epoch));
      seconds.push_back(s.diverged ? kNaN : s.train_seconds);
    }
    // The table shows "-" where a variant whose runs all diverged has no
    // value (results.csv leaves those cells empty).
    const bool all_diverged = diverged_runs[v] == result.runs.size();
    const auto shown = [all_diverged](std::string text) { return all_diverged && text.empty() ? "-" : text; };
    const MeanStd ta = mean_std(train_acc), sa = mean_std(test_acc), tl = mean_std(train_loss),
                  sl = mean_std(test_loss);
    std::vector<std::string> row;
    for (const auto& [key, value] : result.assignment) {
      row.push_back(value);
      csv += csv_field(value) + ",";  // "30,30": a varied list is quoted
    }
    row.push_back(diverged_runs[v] ? fmt::format("{} ({} diverged)", result.runs.size(), diverged_runs[v])
                           : std::to_string(result.runs.size()));
    if (classification) {
      row.push_back(shown(cell(ta, with_std)));
      row.push_back(shown(cell(sa, with_std)));
    }
    row.push_back(shown(cell(tl, with_std)));
    row.push_back(shown(cell(sl, with_std)));
    row.push_back(shown(cell(mean_std(best).mean, 1)));
    row.push_back(shown(cell(mean_std(seconds).mean, 2)));
    table.rows.push_back(row);
    csv += fmt::format("{},{},{},{},{},{},{},{},{},{},{}\n", result.runs.size(), cell(ta.mean, 6),
                       cell(ta.std, 6), cell(sa.mean, 6), cell(sa.std, 6), cell(tl.mean, 6),
                       cell(tl.std, 6), cell(sl.mean, 6), cell(sl.std, 6), cell(mean_std(best).mean, 1),
                       cell(mean_std(seconds).mean, 3));
  }
  write_file_atomic((fs::path(options.out) / "results.csv").string(), csv);

  // The conclusion: per metric the best variant and the others against it.
  std::vector<MetricVerdict> verdicts;
  std::vector<std::string> judged;  // labels of the variants that ran
  for (std::size_t v = 0; v < results.size(); ++v)
    if (ran[v]) judged.push_back(labels[v]);
  if (!judged.empty()) {
    for (const MetricField& field : metric_fields()) {
      if (field.classification_only && !classification) continue;
      std::vector<VariantScores> scores;
      for (std::size_t v = 0; v < results.size(); ++v) {
        if (!ran[v]) continue;
        VariantScores s{labels[v], {}};
        for (const auto& run : results[v].runs) s.scores.push_back(run.*field.field);
        scores.push_back(std::move(s));
      }
      verdicts.push_back(judge(field.metric, scores, options.design));
    }
  }
  // Sentences for the test metrics (the first is the headline), the table
  // for all.
  std::string conclusion;
  for (const MetricVerdict& verdict : verdicts)
    if (verdict.metric.name.rfind("test", 0) == 0) conclusion += verdict.sentence + "\n\n";
  const bool folds = options.design.kind == ScoreDesign::Kind::kFolds;
  bool any_p = false;
  for (const MetricVerdict& verdict : verdicts)
    for (const VariantVerdict& v : verdict.variants)
      any_p = any_p || v.standing == VariantVerdict::Standing::kTied ||
              v.standing == VariantVerdict::Standing::kWorse;
  if (any_p) {
    conclusion += fmt::format(
        "Tied: the difference to the best is within the spread over {} ({}, p ≥ 0.05; not corrected "
        "for the {} comparisons).{}",
        folds ? "folds" : "repeats", options.design.test_name(), judged.size() - 1,
        folds ? "" : " Repeats differ only in their seed, so the spread is that of initialisation and "
                     "shuffling on one data split.");
  }
  std::vector<ReportTable> conclusion_tables;
  if (judged.size() > 1) conclusion_tables.push_back(differences_table(verdicts, judged, options.design));

  // The figures: per variant, in panels over the facet key when two keys vary.
  const std::vector<Facet> panels = facets(options.vary, options.facet);
  std::vector<std::vector<double>> test_values(results.size());
  for (std::size_t v = 0; v < results.size(); ++v)
    test_values[v] = metric_column(record.first_run_dir[v], classification ? "test_accuracy" : "test_loss");
  Chart losses = line_chart("loss_per_iteration", "training loss per iteration", "iteration", "loss");
  losses.smooth = 25;
  add_curves(losses, panels, labels, ran, diverged, record.step_losses);
  // Losses over three decades and more (a bad initialisation starting in
  // the hundreds beside runs near 0.1) only read on a log axis.
  double low = INFINITY, high = 0;
  for (std::size_t v = 0; v < results.size(); ++v)
    for (double loss : diverged[v] ? std::vector<double>{} : record.step_losses[v])
      if (std::isfinite(loss) && loss > 0) low = std::min(low, loss), high = std::max(high, loss);
  losses.log_y = high > 1000 * low;
  Chart test_curve = line_chart(classification ? "test_accuracy" : "test_loss",
                                classification ? "test accuracy per epoch" : "test loss per epoch",
                                "epoch", classification ? "test accuracy" : "test loss (MSE)");
  test_curve.whole_x = true;
  // Regression losses span decades between the first epochs and the last.
  test_curve.log_y = !classification;
  add_curves(test_curve, panels, labels, ran, diverged, test_values);
  // Train and test of each variant side by side: over-fitting shows as a gap.
  Chart learning = line_chart(
      "learning_curves",
      fmt::format("train and test {} per epoch{}", classification ? "accuracy" : "loss",
                  options.repeats > 1 ? " (first repeat)" : ""),
      "epoch", classification ? "accuracy" : "loss (MSE)");
  learning.whole_x = true;
  learning.log_y = !classification;
  const std::string metric = classification ? "accuracy" : "loss";
  for (std::size_t v = 0; v < results.size(); ++v) {
    if (!ran[v] || record.first_run_dir[v].empty()) continue;
    Panel panel{labels[v] + (diverged[v] ? " (diverged)" : ""), {}};
    for (const char* split : {"train", "val", "test"}) {
      std::vector<double> values = metric_column(record.first_run_dir[v], fmt::format("{}_{}", split, metric));
      // The training loss of the eval-mode pass, as the test loss is taken
      // (runs written before it: the running mean of the mini-batch losses).
      if (metric == "loss" && std::string_view(split) == "train") {
        std::vector<double> eval = metric_column(record.first_run_dir[v], "train_eval_loss");
        if (std::any_of(eval.begin(), eval.end(), [](double x) { return std::isfinite(x); })) values = std::move(eval);
      }
      // train.train_metrics running: the running mean over each epoch's batches.
      std::string label = std::string_view(split) == "val" ? "validation" : split;
      if (values.empty() && metric == "accuracy" && label == "train") {
        values = metric_column(record.first_run_dir[v], "running_train_accuracy");
        label = "train (running mean)";
      }
      if (std::none_of(values.begin(), values.end(), [](double x) { return std::isfinite(x); })) continue;
      panel.series.push_back({label, {}, std::move(values), diverged[v]});
    }
    learning.panels.push_back(std::move(panel));
  }
  // One row per facet value, when the rest of the grid fits a row.
  if (!panels.empty() && panels[0].variants.size() >= 2 && panels[0].variants.size() <= 4)
    learning.columns = panels[0].variants.size();

  ReportSection lead{"", conclusion, {}, {}, {}};
  const std::string text =
      fmt::format("{} of {} runs finished. Every variant trains on the same data split; repeat r "
                  "uses seed {} + r. Accuracies and losses are those of the final model in eval "
                  "mode{}.",
                  record.finished, record.total, record.seed,
                  with_std ? " (mean ± standard deviation over repeats)" : "");
  ReportSection section{"Results", text, {table}, {}, {}};
  section.tables.insert(section.tables.end(), conclusion_tables.begin(), conclusion_tables.end());
  // Per-layer diagnostics (issue 18): each variant's first run gets its
  // figures (linked below), the report the histograms side by side, one
  // figure per facet value.
  std::vector<RunGroup> groups;
  auto run_of = [&](std::size_t v, const std::string& label) {
    return std::pair{label, ran[v] ? record.first_run_dir[v] : std::string()};
  };
  if (panels.empty()) {
    groups.push_back({"", {}});
    for (std::size_t v = 0; v < results.size(); ++v) groups.back().runs.push_back(run_of(v, labels[v]));
  }
  for (const Facet& facet : panels) {
    groups.push_back({facet.title, {}});
    for (std::size_t k = 0; k < facet.variants.size(); ++k)
      groups.back().runs.push_back(run_of(facet.variants[k], facet.labels[k]));
  }
  for (std::size_t v = 0; v < results.size(); ++v)
    if (ran[v] && !record.first_run_dir[v].empty()) plot_diagnostics(record.first_run_dir[v]);
  const std::vector<Chart> diagnostics = compare_diagnostics_charts(groups);

  std::string figures_md;
  std::vector<const Chart*> figures = {&losses, &test_curve, &learning};
  for (const Chart& chart : diagnostics) figures.push_back(&chart);
  for (const Chart* chart : figures) {
    if (chart->series.empty() && chart->panels.empty()) continue;
    render(*chart, options.out);
    section.svg_files.push_back((fs::path(options.out) / (chart->name + ".svg")).string());
    figures_md += fmt::format("![{}]({}.png)\n\n", chart->title, chart->name);
  }

  // Links to each variant's runs and the figures drawn in them (per-run
  // plots, per-layer diagnostics).
  ReportSection runs{"Runs", "Each variant's run folder (model, metrics.csv, summary.json) and the figures in "
                             "its first repeat's folder.",
                     {}, {}, {}};
  for (std::size_t v = 0; v < results.size(); ++v) {
    if (!ran[v] || record.first_run_dir[v].empty()) continue;
    const std::string dir = record.first_run_dir[v];
    // "diverged" beside the variant's name, as in the table's runs column.
    const std::size_t count = results[v].runs.size();
    ReportLinks links{labels[v] + (diverged_runs[v] == 0       ? ""
                                   : diverged_runs[v] == count ? " (diverged)"
                                                               : fmt::format(" ({} of {} runs diverged)", diverged_runs[v], count)),
                      {}};
    const std::string variant_dir = options.repeats > 1 ? fs::path(dir).parent_path().string() : dir;
    links.links.push_back({"run folder", relative(variant_dir, options.out) + "/"});
    for (const char* file : {"metrics.csv", "summary.json"})
      if (fs::exists(fs::path(dir) / file)) links.links.push_back({file, relative((fs::path(dir) / file).string(), options.out)});
    for (const std::string& figure : run_figure_files(dir))
      links.links.push_back({fs::path(figure).stem().string(), relative((fs::path(dir) / figure).string(), options.out)});
    runs.links.push_back(std::move(links));
  }

  std::string md = fmt::format("# {}\n\n{}", options.title, conclusion.empty() ? "" : conclusion + "\n\n");
  md += markdown_table(table);
  for (const ReportTable& t : conclusion_tables) md += "\n" + markdown_table(t);
  if (!figures_md.empty()) md += "\n## Figures\n\n" + figures_md;
  if (!runs.links.empty()) md += "\n## Runs\n\n" + markdown_links(runs.links);
  write_file_atomic((fs::path(options.out) / "results.md").string(), md);
  std::vector<ReportSection> sections;
  if (!conclusion.empty()) sections.push_back(lead);
  sections.push_back(section);
  if (!runs.links.empty()) sections.push_back(runs);
  write_report(options.out, options.title, sections);
}

}  // namespace scratchnet
