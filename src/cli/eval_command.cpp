// `scratchnet eval --model M [--data D]`: accuracy, per-class precision and
// recall and the confusion matrix of a saved model (MSE for regression);
// the evaluation itself is app/evaluate.h.

#include <cmath>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/app/evaluate.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {
namespace {

void print_report(const ClassificationReport& r, const std::string& what) {
  fmt::print("evaluated {} samples of {}\naccuracy {:.4f}\nbalanced accuracy {:.4f}\nmacro F1 {:.4f}\n\n", r.samples,
             what, r.accuracy, r.balanced_accuracy, r.macro_f1);
  std::size_t width = 5;
  for (const auto& name : r.class_names) width = std::max(width, name.size());
  fmt::print("{:<{}}  {:>9}  {:>9}  {:>9}  {:>7}\n", "class", width, "precision", "recall", "f1", "support");
  for (std::size_t c = 0; c < r.class_names.size(); ++c)
    fmt::print("{:<{}}  {:>9}  {:>9}  {:>9}  {:>7}\n", r.class_names[c], width,
               std::isfinite(r.precision[c]) ? fmt::format("{:.4f}", r.precision[c]) : "-",
               std::isfinite(r.recall[c]) ? fmt::format("{:.4f}", r.recall[c]) : "-",
               std::isfinite(r.f1[c]) ? fmt::format("{:.4f}", r.f1[c]) : "-", r.support[c]);
  fmt::print("\nconfusion matrix (rows: true class, columns: predicted)\n{:<{}}", "", width);
  for (std::size_t c = 0; c < r.class_names.size(); ++c) fmt::print(" {:>7.7}", r.class_names[c]);
  fmt::print("\n");
  for (std::size_t t = 0; t < r.class_names.size(); ++t) {
    fmt::print("{:<{}}", r.class_names[t], width);
    for (std::size_t p = 0; p < r.class_names.size(); ++p) fmt::print(" {:>7}", r.confusion[t][p]);
    fmt::print("\n");
  }
}

}  // namespace

Command add_eval_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Evaluate a saved model: accuracy, per-class precision "
                                         "and recall, confusion matrix (MSE for regression)");
  struct State {
    std::string model, data, label, split = "auto";
    bool json = false;
  };
  auto state = std::make_shared<State>();
  cmd->add_option("--model,-m", state->model, "model file (.snm)")->required();
  cmd->add_option("--data", state->data, "data set (default: the one the model was trained on)");
  cmd->add_option("--label", state->label, "CSV label column (name or index)");
  cmd->add_option("--split", state->split,
                  "test | train | all; auto = the training run's test split when --data is the "
                  "training data, else all")
      ->check(CLI::IsMember({"auto", "test", "train", "all"}));
  cmd->add_flag("--json", state->json, "print the report as JSON");

  return [state] {
    const Model model = load_model(state->model);
    std::string what;
    Dataset data = evaluation_data(model, state->data, state->label, parse_eval_split(state->split), &what);
    const EvaluationReport report = evaluate_model(model, std::move(data), what);
    if (state->json) {
      fmt::print("{}", evaluation_json(report));
    } else if (report.task == Task::kRegression) {
      fmt::print("evaluated {} samples of {}\nmse {:.6g}\nrmse {:.6g}\n", report.samples, what, report.mse, report.rmse);
    } else {
      print_report(report.classification, what);
    }
  };
}

}  // namespace scratchnet::cli
