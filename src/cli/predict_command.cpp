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

}  // namespace

Command add_predict_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("predict", "Predict each row of a CSV file with a saved model");
  struct State {
    std::string model, input, output, header = "auto";
  };
  auto state = std::make_shared<State>();
  cmd->add_option("--model,-m", state->model, "model file (.snm)")->required();
  cmd->add_option("--input,-i", state->input, "CSV file of feature rows (header optional)")->required();
  cmd->add_option("--output,-o", state->output, "write predictions here (default: stdout)");
  cmd->add_option("--header", state->header, "auto | yes | no")
      ->check(CLI::IsMember({"auto", "yes", "no"}));

  return [state] {
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
