// `scratchnet predict --model M --input X.csv [--output Y.csv]`: one
// prediction per input row (class name and class probabilities, or the
// regression output), with the model's own scaler applied.

#include <algorithm>
#include <memory>
#include <numeric>
#include <string>

#include <fmt/format.h>

#include "commands.h"
#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/io/binary.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/train/evaluation.h"
#include "scratchnet/app/run.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet::cli {
namespace {

// Which input columns hold the model's features: those named like the
// model's features when the file has such a header, else all columns when
// their number matches.
std::vector<std::size_t> feature_columns(const CsvTable& table, const Model& model,
                                         std::size_t features, const std::string& source) {
  std::vector<std::size_t> columns;
  if (!table.header.empty() && model.feature_names.size() == features) {
    for (const auto& name : model.feature_names) {
      auto it = std::find(table.header.begin(), table.header.end(), name);
      if (it == table.header.end()) break;
      columns.push_back(static_cast<std::size_t>(it - table.header.begin()));
    }
    if (columns.size() == features) return columns;
    columns.clear();
  }
  const std::size_t width = table.rows.empty() ? 0 : table.rows[0].size();
  if (width != features)
    throw_data("{}: rows have {} columns, the model takes {} features{}", source, width, features,
               model.feature_names.empty()
                   ? ""
                   : fmt::format(" (a header naming the features selects them: {})",
                                 fmt::join(model.feature_names, ",")));
  columns.resize(features);
  std::iota(columns.begin(), columns.end(), 0);
  return columns;
}

// One sample of a data set: the image as ASCII art (seed 001 shows a digit
// with its prediction), the predicted and true class, the top probabilities.
void predict_sample(const std::string& model_path, const std::string& data, const std::string& split,
                    std::size_t index) {
  Model model = load_model(model_path);
  TrainConfig config;
  config.load_toml_text(model.config_toml, model_path + " (stored settings)");
  if (!data.empty()) config.set("data.source", data);
  PreparedData parts = load_and_split(config);
  Dataset& set = split == "train" ? parts.train : parts.test;
  if (index >= set.size())
    throw_usage("--index {} is out of range: the {} split of {} has {} samples", index, split, set.name,
                set.size());
  const std::vector<std::size_t> one = {index};
  Dataset sample = set.subset(one);
  Tensor x, y;
  std::vector<std::int32_t> labels;
  sample.gather(one.size() == 1 ? std::vector<std::size_t>{0} : one, x, labels, y);
  if (sample.sample_shape.rank() == 3) {
    // Darker characters for brighter pixels, first channel, two characters per pixel.
    static const char kShades[] = " .:-=+*#%@";
    const std::size_t h = sample.sample_shape[1], w = sample.sample_shape[2];
    float lo = x[0], hi = x[0];
    for (std::size_t i = 0; i < h * w; ++i) lo = std::min(lo, x[i]), hi = std::max(hi, x[i]);
    for (std::size_t r = 0; r < h; ++r) {
      std::string line;
      for (std::size_t c = 0; c < w; ++c) {
        const float v = hi > lo ? (x[r * w + c] - lo) / (hi - lo) : 0.0f;
        const char ch = kShades[std::min<std::size_t>(9, static_cast<std::size_t>(v * 10))];
        line += ch;
        line += ch;
      }
      fmt::print("{}\n", line);
    }
  }
  if (model.task != Task::kClassification) throw_usage("--index works with classification models");
  if (sample.num_features() != model.network->input_shape().elements())
    throw_data("{}: {} features per sample, the model takes {}", sample.name, sample.num_features(),
               model.network->input_shape().elements());
  align_classes(sample, model.class_names);
  model.scaler.apply(sample);
  const Tensor p = predict_outputs(*model.network, sample, true);
  std::vector<std::size_t> order(p.cols());
  for (std::size_t c = 0; c < order.size(); ++c) order[c] = c;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] > p[b]; });
  const std::string& truth = model.class_names[static_cast<std::size_t>(sample.labels[0])];
  const std::string& guess = model.class_names[order[0]];
  fmt::print("sample {} of the {} split of {}: predicted '{}' (p = {:.3f}), true '{}'{}\n", index, split,
             sample.name, guess, p[order[0]], truth, guess == truth ? "" : "  <- wrong");
  fmt::print("top classes:");
  for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()); ++k)
    fmt::print("  {} {:.3f}", model.class_names[order[k]], p[order[k]]);
  fmt::print("\n");
}

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict", "Predict each row of a CSV file with a saved model");
  struct State {
    std::string model, input, output, header = "auto", data, split = "test";
    long long index = -1;
  };
  auto state = std::make_shared<State>();
  cmd->add_option("--model,-m", state->model, "model file (.snm)")->required();
  cmd->add_option("--input,-i", state->input, "CSV file of feature rows (header optional)");
  cmd->add_option("--index", state->index,
                  "predict sample N of a data set instead (images are drawn as ASCII art)");
  cmd->add_option("--data", state->data, "with --index: the data set (default: the model's own)");
  cmd->add_option("--split", state->split, "with --index: test | train (default test)")
      ->check(CLI::IsMember({"test", "train"}));
  cmd->add_option("--output,-o", state->output, "write predictions here (default: stdout)");
  cmd->add_option("--header", state->header, "auto | yes | no")
      ->check(CLI::IsMember({"auto", "yes", "no"}));

  return [state] {
    if (state->index >= 0) {
      predict_sample(state->model, state->data, state->split, static_cast<std::size_t>(state->index));
      return;
    }
    if (state->input.empty()) throw_usage("predict needs --input FILE.csv or --index N");
    Model model = load_model(state->model);
    Network<float>& net = *model.network;
    const std::size_t features = net.input_shape().elements();
    CsvOptions options;
    options.header = state->header == "yes" ? HeaderMode::kYes
                     : state->header == "no" ? HeaderMode::kNo
                                             : HeaderMode::kAuto;
    const CsvTable table = parse_csv_table(read_text_file(state->input), state->input, options);
    if (table.rows.empty()) throw_data("{}: no data rows", state->input);

    Dataset data;
    data.name = state->input;
    data.sample_shape = net.input_shape();
    data.features = table_columns(table, feature_columns(table, model, features, state->input),
                                  state->input);
    // Placeholder labels/targets: gather copies them, predictions ignore them.
    if (model.task == Task::kClassification) {
      data.task = Task::kClassification;
      data.labels.assign(table.rows.size(), 0);
      data.class_names = model.class_names;
    } else {
      data.task = Task::kRegression;
      data.target_dim = net.output_shape().elements();
      data.targets.assign(table.rows.size() * data.target_dim, 0.0f);
    }
    model.scaler.apply(data);
    const bool classify = model.task == Task::kClassification;
    const Tensor out = predict_outputs(net, data, classify);

    std::string text;
    if (classify) {
      text = "predicted";
      for (const auto& name : model.class_names) text += ",p_" + name;
      text += "\n";
      std::vector<std::int32_t> best;
      argmax_rows(out, best);
      for (std::size_t r = 0; r < out.rows(); ++r) {
        text += model.class_names[static_cast<std::size_t>(best[r])];
        for (std::size_t c = 0; c < out.cols(); ++c) text += fmt::format(",{:.6f}", out.at(r, c));
        text += "\n";
      }
    } else {
      for (std::size_t c = 0; c < out.cols(); ++c)
        text += c == 0 ? (out.cols() == 1 ? "prediction" : "prediction_0")
                       : fmt::format(",prediction_{}", c);
      text += "\n";
      for (std::size_t r = 0; r < out.rows(); ++r) {
        for (std::size_t c = 0; c < out.cols(); ++c) text += fmt::format("{}{:.7g}", c ? "," : "", out.at(r, c));
        text += "\n";
      }
    }
    if (state->output.empty())
      fmt::print("{}", text);
    else {
      write_file_atomic(state->output, text);
      fmt::print(stderr, "wrote {} predictions to {}\n", out.rows(), state->output);
    }
  };
}

}  // namespace scratchnet::cli
