#pragma once
// The subcommands of the `scratchnet` tool. Each registers its flags on the
// CLI11 app and returns the function that runs it after parsing. The tool only
// parses arguments and calls the library.

#include <functional>

#include <CLI/CLI.hpp>

namespace scratchnet::cli {

using Command = std::function<void()>;

Command add_train_command(CLI::App& app);
Command add_eval_command(CLI::App& app);
Command add_predict_command(CLI::App& app);
Command add_info_command(CLI::App& app);
Command add_compare_command(CLI::App& app);
Command add_search_command(CLI::App& app);
Command add_plot_command(CLI::App& app);
Command add_verify_command(CLI::App& app);
Command add_export_command(CLI::App& app);  // issue 15
Command add_import_command(CLI::App& app);  // issue 15

}  // namespace scratchnet::cli
