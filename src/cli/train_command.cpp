// `scratchnet train [CONFIG.toml] [flags]`: one training run.

#include <memory>

#include "commands.h"
#include "console.h"
#include "settings_flags.h"
#include "scratchnet/app/run.h"

namespace scratchnet::cli {

Command add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a network and write a run folder "
                                          "(model.snm, metrics.csv, summary.json, config.toml)");
  auto flags = add_settings_flags(*cmd, "TOML file with [data], [model], [train], [output] and [[layer]]");
  auto quiet = std::make_shared<bool>(false);
  auto resume = std::make_shared<std::string>();
  cmd->add_flag("-q,--quiet", *quiet, "print only errors");
  cmd->add_option("--resume", *resume,
                  "continue the run in this folder from its checkpoint (same settings, same results)");
  cmd->footer(
      "Settings come from the config file, then the flags, then --set.\n"
      "Example: scratchnet train recipes/arem-mlp.toml --epochs 50\n"
      "         scratchnet train --data my.csv --label species --layers 32,32");
  return [cmd, flags, quiet, resume] {
    if (!resume->empty()) {
      ConsoleReporter reporter(0, *quiet);
      resume_training(*resume, &reporter);
      return;
    }
    const TrainConfig config = resolve_settings(*cmd, *flags);
    ConsoleReporter reporter(config.log_every, *quiet);
    run_training(config, &reporter);
  };
}

}  // namespace scratchnet::cli
