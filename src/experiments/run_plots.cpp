#include "scratchnet/experiments/run_plots.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "scratchnet/app/metrics_file.h"
#include "scratchnet/core/error.h"
#include "scratchnet/experiments/diagnostics_plots.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/train/evaluation.h"
#include "scratchnet/app/run.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

bool has_values(const MetricsTable& cols, const char* name);

Chart curves(const std::string& name, const std::string& title, const std::string& y_label,
             const MetricsTable& cols,
             std::initializer_list<std::pair<const char*, const char*>> wanted) {
  Chart chart;
  chart.name = name;
  chart.title = title;
  chart.x_label = "epoch";
  chart.whole_x = true;
  chart.y_label = y_label;
  chart.style = Chart::Style::kLinesPoints;
  for (const auto& [col, label] : wanted)
    if (has_values(cols, col)) chart.series.push_back({label, {}, *cols.column(col)});
  return chart;
}

bool has_values(const MetricsTable& cols, const char* name) {
  const auto* values = cols.column(name);
  return values && std::any_of(values->begin(), values->end(), [](double v) { return std::isfinite(v); });
}

void note(PlotOutcome& outcome, const std::string& name, const RenderResult& r) {
  outcome.made.push_back(name);
  if (!r.rendered && outcome.message.empty()) outcome.message = r.message;
}

}  // namespace

PlotOutcome plot_run(const std::string& run_dir) {
  const std::string metrics_path = (fs::path(run_dir) / "metrics.csv").string();
  const std::string model_path = (fs::path(run_dir) / "model.snm").string();
  if (!fs::exists(metrics_path) || !fs::exists(model_path))
    throw_data("{}: not a run folder (needs metrics.csv and model.snm)", run_dir);
  PlotOutcome outcome;
  const auto cols = read_metrics(metrics_path);
  Model model = load_model(model_path);
  const bool classify = model.task == Task::kClassification;

  if (classify) {
    // train.train_metrics running: the running mean over each epoch's batches.
    const bool running = cols.column("running_train_accuracy") != nullptr;
    const Chart acc = curves("learning_curves", "accuracy per epoch", "accuracy", cols,
                             {{running ? "running_train_accuracy" : "train_accuracy",
                               running ? "train (running mean)" : "train"},
                              {"val_accuracy", "validation"},
                              {"test_accuracy", "test"}});
    note(outcome, acc.name, render(acc, run_dir));
  }
  // The training set's loss from the epoch's eval-mode pass, like the test
  // loss (runs before it: the running mean of the epoch's mini-batch losses).
  const bool eval_loss = has_values(cols, "train_eval_loss");
  const Chart loss = curves("loss_curves", "loss per epoch", classify ? "cross-entropy" : "MSE", cols,
                            {{eval_loss ? "train_eval_loss" : "train_loss", "train"},
                             {"val_loss", "validation"},
                             {"test_loss", "test"}});
  note(outcome, loss.name, render(loss, run_dir));

  // The rest needs the run's data: the test split as training made it.
  TrainConfig config;
  config.load_toml_text(model.config_toml, model_path + " (stored settings)");
  PreparedData data = load_and_split(config);
  Dataset& test = data.test.size() > 0 ? data.test : data.train;
  const Dataset raw = test;  // unscaled, for axes in the data's own units
  model.scaler.apply(test);
  Network<float>& net = *model.network;

  if (classify) {
    const Tensor out = predict_outputs(net, test, false);
    std::vector<std::int32_t> predicted;
    argmax_rows(out, predicted);
    const ClassificationReport report = classification_report(test.labels, predicted, model.class_names);
    Heatmap map;
    map.name = "confusion_matrix";
    map.title = fmt::format("confusion matrix (test accuracy {:.4f})", report.accuracy);
    map.x_label = "predicted";
    map.y_label = "true";
    map.x_ticks = map.y_ticks = model.class_names;
    for (const auto& row : report.confusion) map.values.emplace_back(row.begin(), row.end());
    note(outcome, map.name, render(map, run_dir));
  }

  const std::size_t features = net.input_shape().elements();
  if (!classify && features == 1 && net.output_shape().elements() == 1) {
    // Seed 002's figure: the data and the learnt curve over the data's range.
    Chart fit;
    fit.name = "regression_fit";
    fit.title = "regression fit (test data and the learnt function)";
    fit.x_label = model.feature_names.empty() ? "x" : model.feature_names[0];
    fit.y_label = "y";
    fit.style = Chart::Style::kPoints;
    Series points{"test data", {raw.features.begin(), raw.features.end()}, {raw.targets.begin(), raw.targets.end()}};
    const auto [lo, hi] = std::minmax_element(raw.features.begin(), raw.features.end());
    Dataset grid;
    grid.task = Task::kRegression;
    grid.sample_shape = Shape{1};
    grid.target_dim = 1;
    constexpr std::size_t kPoints = 200;
    for (std::size_t i = 0; i < kPoints; ++i)
      grid.features.push_back(*lo + (*hi - *lo) * static_cast<float>(i) / (kPoints - 1));
    grid.targets.assign(kPoints, 0.0f);
    Series curve{"model", {grid.features.begin(), grid.features.end()}, {}};
    model.scaler.apply(grid);
    const Tensor y = predict_outputs(net, grid, false);
    curve.y.assign(y.data(), y.data() + y.size());
    fit.series = {points, curve};
    note(outcome, fit.name, render(fit, run_dir));
  }

  if (classify && features == 2) {
    // Decision regions over the data's bounding box, a little enlarged.
    RegionMap map;
    map.name = "decision_regions";
    map.title = "decision regions (test data)";
    float x0 = raw.features[0], x1 = x0, y0 = raw.features[1], y1 = y0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
      x0 = std::min(x0, raw.features[2 * i]);
      x1 = std::max(x1, raw.features[2 * i]);
      y0 = std::min(y0, raw.features[2 * i + 1]);
      y1 = std::max(y1, raw.features[2 * i + 1]);
    }
    const float mx = 0.1f * (x1 - x0) + 1e-3f, my = 0.1f * (y1 - y0) + 1e-3f;
    map.x_min = x0 - mx;
    map.x_max = x1 + mx;
    map.y_min = y0 - my;
    map.y_max = y1 + my;
    map.grid_x = map.grid_y = 120;
    Dataset grid;
    grid.task = Task::kClassification;
    grid.sample_shape = Shape{2};
    grid.class_names = model.class_names;
    for (std::size_t r = 0; r < map.grid_y; ++r)
      for (std::size_t c = 0; c < map.grid_x; ++c) {
        grid.features.push_back(static_cast<float>(map.x_min + (map.x_max - map.x_min) * (c + 0.5) / map.grid_x));
        grid.features.push_back(static_cast<float>(map.y_min + (map.y_max - map.y_min) * (r + 0.5) / map.grid_y));
        grid.labels.push_back(0);
      }
    model.scaler.apply(grid);
    const Tensor out = predict_outputs(net, grid, false);
    std::vector<std::int32_t> cls;
    argmax_rows(out, cls);
    map.grid_class.assign(cls.begin(), cls.end());
    for (std::size_t i = 0; i < raw.size(); ++i) {
      map.px.push_back(raw.features[2 * i]);
      map.py.push_back(raw.features[2 * i + 1]);
      map.pclass.push_back(raw.labels[i]);
    }
    map.class_names = model.class_names;
    note(outcome, map.name, render(map, run_dir));
  }

  // Per-layer diagnostics, when the run recorded them.
  const PlotOutcome diagnostics = plot_diagnostics(run_dir);
  outcome.made.insert(outcome.made.end(), diagnostics.made.begin(), diagnostics.made.end());
  if (outcome.message.empty()) outcome.message = diagnostics.message;
  return outcome;
}

std::vector<std::string> run_figure_files(const std::string& run_dir) {
  static const std::vector<std::string> kKnown = {
      "learning_curves", "loss_curves",       "confusion_matrix", "regression_fit", "decision_regions",
      "activation_histograms", "activation_spread", "gradient_norms", "update_ratios", "dead_saturated"};
  std::vector<std::string> known, others;
  std::error_code ec;
  for (fs::directory_iterator it(run_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path& path = it->path();
    if (path.extension() != ".png" || !it->is_regular_file(ec)) continue;
    const bool is_known = std::find(kKnown.begin(), kKnown.end(), path.stem().string()) != kKnown.end();
    (is_known ? known : others).push_back(path.filename().string());
  }
  auto rank = [](const std::string& file) {
    return std::find(kKnown.begin(), kKnown.end(), fs::path(file).stem().string()) - kKnown.begin();
  };
  std::sort(known.begin(), known.end(), [&](const auto& a, const auto& b) { return rank(a) < rank(b); });
  std::sort(others.begin(), others.end());
  known.insert(known.end(), others.begin(), others.end());
  return known;
}

}  // namespace scratchnet
