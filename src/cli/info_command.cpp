// `scratchnet info --model M`: what a model file holds.

#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "scratchnet/io/model_file.h"

namespace scratchnet::cli {

Command add_info_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "Show a model's layers, shapes, parameter count and settings");
  auto model_path = std::make_shared<std::string>();
  auto show_settings = std::make_shared<bool>(false);
  cmd->add_option("--model,-m", *model_path, "model file (.snm)")->required();
  cmd->add_flag("--settings", *show_settings, "also print the training settings stored in the model");
  return [model_path, show_settings] {
    const Model model = load_model(*model_path);
    const bool classify = model.task == Task::kClassification;
    fmt::print("model: {}\n", *model_path);
    fmt::print("task: {}\n", classify ? "classification" : "regression");
    if (classify)
      fmt::print("classes ({}): {}\n", model.class_names.size(), fmt::join(model.class_names, ", "));
    if (!model.feature_names.empty())
      fmt::print("features ({}): {}\n", model.feature_names.size(), fmt::join(model.feature_names, ", "));
    if (model.tabular)
      fmt::print("table preprocessing: {}\n{}", model.tabular->describe(), model.tabular->details());
    if (model.image)
      fmt::print("images: {}x{}x{} (channels x height x width){}\n", model.image->channels, model.image->height,
                 model.image->width,
                 model.image->mean.empty() ? ", pixels in [0, 1]"
                                           : fmt::format(", normalised per channel (mean {}, std {})",
                                                         fmt::join(model.image->mean, " "), fmt::join(model.image->std, " ")));
    fmt::print("scaler: {}\nloss: {}\n\n{}", to_string(model.scaler.kind()), model.loss, model.network->summary());
    if (*show_settings) fmt::print("\n{}", model.config_toml);
  };
}

}  // namespace scratchnet::cli
