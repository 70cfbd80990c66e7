#include "scratchnet/app/evaluate.h"

#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/error.h"
#include "scratchnet/io/json.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

EvalSplit parse_eval_split(const std::string& text) {
  if (text == "auto") return EvalSplit::kAuto;
  if (text == "test") return EvalSplit::kTest;
  if (text == "train") return EvalSplit::kTrain;
  if (text == "all") return EvalSplit::kAll;
  throw_usage("--split: '{}' is not one of auto, test, train, all", text);
}

std::string to_string(EvalSplit split) {
  switch (split) {
    case EvalSplit::kAuto: return "auto";
    case EvalSplit::kTest: return "test";
    case EvalSplit::kTrain: return "train";
    case EvalSplit::kAll: return "all";
  }
  return "?";
}

Dataset evaluation_data(const Model& model, const std::string& source, const std::string& label,
                        EvalSplit split, std::string* what) {
  TrainConfig config;
  config.load_toml_text(model.config_toml, "the model's stored settings");
  const std::string trained_on = config.data;
  if (!source.empty()) config.set("data.source", source);
  if (!label.empty()) config.set("data.label", label);
  if (split == EvalSplit::kAuto) split = config.data == trained_on ? EvalSplit::kTest : EvalSplit::kAll;
  Dataset data;
  if (model.tabular && classify_data_source(config.data) == DataSourceKind::kCsv) {
    // The rows of the part, through the model's own pipeline (not one fitted
    // again on this file).
    const PreparedData parts = load_and_split(config);
    std::vector<std::size_t> rows = split == EvalSplit::kTest ? parts.test_rows : parts.train_rows;
    if (split == EvalSplit::kAll) {
      rows.resize(parts.table->table.rows.size());
      std::iota(rows.begin(), rows.end(), 0);
    }
    data = tabular_part(*parts.table, *model.tabular, rows).data;
  } else if (split == EvalSplit::kAll) {
    data = load_dataset(data_options(config));
  } else {
    PreparedData parts = load_and_split(config);
    data = split == EvalSplit::kTest ? std::move(parts.test) : std::move(parts.train);
  }
  if (data.size() == 0) throw_data("{}: no samples to evaluate in the {} split", data.name, to_string(split));
  if (what) *what = fmt::format("{} ({} split)", data.name, to_string(split));
  return data;
}

EvaluationReport evaluate_model(const Model& model, Dataset data, const std::string& what) {
  if (data.task != model.task)
    throw_data("{}: the data is for {}, the model for {}", data.name,
               data.task == Task::kRegression ? "regression" : "classification",
               model.task == Task::kRegression ? "regression" : "classification");
  model.prepare(data);
  EvaluationReport report;
  report.what = what;
  report.task = model.task;
  report.samples = data.size();
  const Tensor out = model.predict(data, false);
  if (model.task == Task::kRegression) {
    double sum = 0;
    for (std::size_t i = 0; i < out.size(); ++i) {
      const double d = static_cast<double>(out[i]) - data.targets[i];
      sum += d * d;
    }
    report.mse = sum / static_cast<double>(out.size());
    report.rmse = std::sqrt(report.mse);
    return report;
  }
  align_classes(data, model.class_names);
  std::vector<std::int32_t> predicted;
  argmax_rows(out, predicted);
  report.classification = classification_report(data.labels, predicted, model.class_names);
  return report;
}

std::string evaluation_json(const EvaluationReport& report) {
  if (report.task == Task::kRegression)
    return fmt::format("{{\n  \"data\": {},\n  \"samples\": {},\n  \"mse\": {},\n  \"rmse\": {}\n}}\n",
                       json_string(report.what), report.samples, json_number(report.mse),
                       json_number(report.rmse));
  const ClassificationReport& r = report.classification;
  std::string j = fmt::format(
      "{{\n  \"data\": {},\n  \"samples\": {},\n  \"accuracy\": {},\n  \"balanced_accuracy\": {},\n  \"macro_f1\": {},\n",
      json_string(report.what), r.samples, json_number(r.accuracy), json_number(r.balanced_accuracy),
      json_number(r.macro_f1));
  j += "  \"classes\": [\n";
  for (std::size_t c = 0; c < r.class_names.size(); ++c)
    j += fmt::format("    {{\"name\": {}, \"precision\": {}, \"recall\": {}, \"f1\": {}, \"support\": {}}}{}\n",
                     json_string(r.class_names[c]), json_number(r.precision[c]), json_number(r.recall[c]),
                     json_number(r.f1[c]), r.support[c], c + 1 < r.class_names.size() ? "," : "");
  j += "  ],\n  \"confusion\": [\n";
  for (std::size_t t = 0; t < r.confusion.size(); ++t) {
    j += "    [";
    for (std::size_t p = 0; p < r.confusion[t].size(); ++p) j += fmt::format("{}{}", p ? ", " : "", r.confusion[t][p]);
    j += t + 1 < r.confusion.size() ? "],\n" : "]\n";
  }
  return j + "  ]\n}\n";
}

}  // namespace scratchnet
