// `scratchnet plot DIR`: (re)renders the plots of a run or experiment folder.

#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "commands.h"
#include "scratchnet/core/error.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/run_plots.h"

namespace scratchnet::cli {

Command add_plot_command(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "plot", "Make the plots of a run folder (curves, confusion matrix, regression fit, decision "
              "regions) or re-render an experiment folder's plots");
  auto dir = std::make_shared<std::string>();
  cmd->add_option("dir", *dir, "a run folder (from train) or an experiment folder (compare, search)")
      ->required();
  return [dir] {
    namespace fs = std::filesystem;
    if (!fs::is_directory(*dir)) throw_data("'{}' is not a folder", *dir);
    if (fs::exists(fs::path(*dir) / "model.snm")) {
      const PlotOutcome outcome = plot_run(*dir);
      fmt::print("wrote {} plot(s) in {}/: {}\n", outcome.made.size(), *dir, fmt::join(outcome.made, ", "));
      if (!outcome.message.empty()) fmt::print("{}\n", outcome.message);
      return;
    }
    std::string message;
    const std::size_t n = rerender_all(*dir, &message);
    fmt::print("rendered {} plot(s) in {}/\n", n, *dir);
    if (!message.empty()) fmt::print("{}\n", message);
  };
}

}  // namespace scratchnet::cli
