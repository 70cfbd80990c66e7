// `scratchnet eval --model M [--data D]`: accuracy, per-class precision and
// recall and the confusion matrix of a saved model (MSE for regression).

#include <cmath>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/core/error.h"
#include "scratchnet/io/json.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/train/evaluation.h"
#include "scratchnet/app/run.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet::cli {
namespace {

void print_report(const ClassificationReport& r, const std::string& what) {
  fmt::print("evaluated {} samples of {}\naccuracy {:.4f}\n\n", r.samples, what, r.accuracy);
  std::size_t width = 5;
  for (const auto& name : r.class_names) width = std::max(width, name.size());
  fmt::print("{:<{}}  {:>9}  {:>9}  {:>7}\n", "class", width, "precision", "recall", "support");
  for (std::size_t c = 0; c < r.class_names.size(); ++c)
    fmt::print("{:<{}}  {:>9}  {:>9}  {:>7}\n", r.class_names[c], width,
               std::isfinite(r.precision[c]) ? fmt::format("{:.4f}", r.precision[c]) : "-",
               std::isfinite(r.recall[c]) ? fmt::format("{:.4f}", r.recall[c]) : "-", r.support[c]);
  fmt::print("\nconfusion matrix (rows: true class, columns: predicted)\n{:<{}}", "", width);
  for (std::size_t c = 0; c < r.class_names.size(); ++c) fmt::print(" {:>7.7}", r.class_names[c]);
  fmt::print("\n");
  for (std::size_t t = 0; t < r.class_names.size(); ++t) {
    fmt::print("{:<{}}", r.class_names[t], width);
    for (std::size_t p = 0; p < r.class_names.size(); ++p) fmt::print(" {:>7}", r.confusion[t][p]);
    fmt::print("\n");
  }
}

std::string report_json(const ClassificationReport& r, const std::string& what) {
  std::string j = fmt::format("{{\n  \"data\": {},\n  \"samples\": {},\n  \"accuracy\": {},\n",
                              json_string(what), r.samples, json_number(r.accuracy));
  j += "  \"classes\": [\n";
  for (std::size_t c = 0; c < r.class_names.size(); ++c)
    j += fmt::format("    {{\"name\": {}, \"precision\": {}, \"recall\": {}, \"support\": {}}}{}\n",
                     json_string(r.class_names[c]), json_number(r.precision[c]),
                     json_number(r.recall[c]), r.support[c], c + 1 < r.class_names.size() ? "," : "");
  j += "  ],\n  \"confusion\": [\n";
  for (std::size_t t = 0; t < r.confusion.size(); ++t) {
    j += "    [";
    for (std::size_t p = 0; p < r.confusion[t].size(); ++p)
      j += fmt::format("{}{}", p ? ", " : "", r.confusion[t][p]);
    j += t + 1 < r.confusion.size() ? "],\n" : "]\n";
  }
  return j + "  ]\n}\n";
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
    Model model = load_model(state->model);
    TrainConfig config;
    config.load_toml_text(model.config_toml, state->model + " (stored settings)");
    const std::string trained_on = config.data;
    if (!state->data.empty()) config.set("data.source", state->data);
    if (!state->label.empty()) config.set("data.label", state->label);
    std::string split = state->split;
    if (split == "auto") split = config.data == trained_on ? "test" : "all";

    Dataset data;
    if (split == "all") {
      data = load_dataset(data_options(config));
    } else {
      PreparedData parts = load_and_split(config);
      data = split == "test" ? std::move(parts.test) : std::move(parts.train);
    }
    if (data.size() == 0) throw_data("{}: no samples to evaluate in the {} split", data.name, split);
    Network<float>& net = *model.network;
    if (data.num_features() != net.input_shape().elements())
      throw_data("{}: {} features per sample, the model takes {}", data.name, data.num_features(),
                 net.input_shape().elements());
    if (data.task != model.task)
      throw_data("{}: the data is for {}, the model for {}", data.name,
                 data.task == Task::kRegression ? "regression" : "classification",
                 model.task == Task::kRegression ? "regression" : "classification");
    model.scaler.apply(data);
    const std::string what = fmt::format("{} ({} split)", data.name, split);

    const Tensor out = predict_outputs(net, data, false);
    if (model.task == Task::kRegression) {
      double sum = 0;
      for (std::size_t i = 0; i < out.size(); ++i) {
        const double d = static_cast<double>(out[i]) - data.targets[i];
        sum += d * d;
      }
      const double mse = sum / static_cast<double>(out.size());
      if (state->json)
        fmt::print("{{\n  \"data\": {},\n  \"samples\": {},\n  \"mse\": {},\n  \"rmse\": {}\n}}\n",
                   json_string(what), data.size(), json_number(mse), json_number(std::sqrt(mse)));
      else
        fmt::print("evaluated {} samples of {}\nmse {:.6g}\nrmse {:.6g}\n", data.size(), what, mse,
                   std::sqrt(mse));
      return;
    }
    align_classes(data, model.class_names);
    std::vector<std::int32_t> predicted;
    argmax_rows(out, predicted);
    const ClassificationReport report = classification_report(data.labels, predicted, model.class_names);
    if (state->json)
      fmt::print("{}", report_json(report, what));
    else
      print_report(report, what);
  };
}

}  // namespace scratchnet::cli
