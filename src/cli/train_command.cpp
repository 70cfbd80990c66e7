// `scratchnet train [CONFIG.toml] [flags]`: one training run.

#include <string>
#include <utility>
#include <vector>

#include "commands.h"
#include "console.h"
#include "scratchnet/core/error.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/run.h"

namespace scratchnet::cli {
namespace {

// Each flag and the config key it sets.
struct Flag {
  const char* name;
  const char* key;
  const char* help;
};

const std::vector<Flag>& train_flags() {
  static const std::vector<Flag> flags = {
      {"--data", "data.source", "arem | digits | xor | or | sine | PATH.csv[.gz] (default arem)"},
      {"--label", "data.label", "CSV label column: name or 0-based index (default: last column)"},
      {"--header", "data.header", "CSV header row: auto | yes | no"},
      {"--delimiter", "data.delimiter", "CSV delimiter: auto | , | ; | tab | space"},
      {"--task", "data.task", "auto | classification | regression"},
      {"--test-fraction", "data.test_fraction", "held-out test share, stratified (default 0.25)"},
      {"--validation-fraction", "data.validation_fraction",
       "validation share carved from the training part (default 0: none)"},
      {"--train-limit", "data.train_limit", "train on only the first N training samples (over-fitting studies)"},
      {"--scale", "data.scale",
       "auto | standard | minmax | none, fitted on the training split (auto: standard; pixels in [0,1] for images)"},
      {"--arem-classes", "data.arem_classes", "6 (bending1+2 merged, as seed 000) or 7"},
      {"--samples", "data.samples", "size of a synthetic data set (xor, or, sine)"},
      {"--layers", "model.layers", "hidden layer sizes, e.g. 50,50,50 (empty: no hidden layer)"},
      {"--activation", "model.activation", "sigmoid | tanh | relu | leaky_relu | identity"},
      {"--alpha", "model.alpha", "leaky_relu slope (default 0.01)"},
      {"--init", "model.init", "auto | he | he_uniform | xavier | xavier_uniform | normal:STD"},
      {"--dropout", "model.dropout", "dropout rate after every hidden activation (default 0)"},
      {"--optimizer", "train.optimizer", "sgd | momentum | nesterov | adagrad | rmsprop | adam | adamw"},
      {"--lr", "train.lr", "learning rate (default: the optimizer's own)"},
      {"--epochs", "train.epochs", "passes over the training data"},
      {"--batch-size", "train.batch_size", "mini-batch size (the remainder batch is kept)"},
      {"--weight-decay", "train.weight_decay", "L2 coefficient lambda on the weights"},
      {"--momentum", "train.momentum", "momentum / nesterov coefficient (default 0.9)"},
      {"--seed", "train.seed", "seed of the split, initial weights and shuffles"},
      {"--threads", "train.threads", "threads for the matrix kernels (default 1)"},
      {"--lr-schedule", "train.lr_schedule",
       "constant | step:EPOCHS:FACTOR | exp:GAMMA | cosine | plateau:PATIENCE:FACTOR"},
      {"--early-stopping", "train.early_stopping",
       "stop after PATIENCE epochs without improvement and restore the best weights"},
      {"--monitor", "train.monitor", "val_loss | val_accuracy (for early stopping)"},
      {"--min-delta", "train.min_delta", "smallest change that counts as an improvement"},
      {"--loss-tolerance", "train.loss_tolerance",
       "stop when the training loss changes by less than this between epochs (seed 002)"},
      {"--out", "output.dir", "run folder (default runs/<timestamp>)"},
      {"--log-every", "output.log_every", "print every N-th epoch (default: about 25 lines)"},
  };
  return flags;
}

}  // namespace

Command add_train_command(CLI::App& app) {
  auto* cmd = app.add_subcommand("train", "Train a network and write a run folder "
                                          "(model.snm, metrics.csv, summary.json, config.toml)");
  struct State {
    std::string config_file;
    std::vector<std::string> values;
    std::vector<std::string> sets;
    bool quiet = false;
    bool batch_norm = false;
  };
  auto state = std::make_shared<State>();
  const auto& flags = train_flags();
  state->values.resize(flags.size());
  cmd->add_option("config", state->config_file, "TOML file with [data], [model], [train], [output]");
  for (std::size_t i = 0; i < flags.size(); ++i)
    cmd->add_option(flags[i].name, state->values[i], flags[i].help);
  cmd->add_option("--set", state->sets, "override any setting: KEY=VALUE, e.g. train.lr=0.01");
  cmd->add_flag("-q,--quiet", state->quiet, "print only errors");
  cmd->add_flag("--batch-norm", state->batch_norm,
                "batch normalisation after every hidden dense layer, before its activation");
  cmd->footer(
      "Settings come from the config file, then the flags, then --set.\n"
      "Example: scratchnet train recipes/arem-mlp.toml --epochs 50\n"
      "         scratchnet train --data my.csv --label species --layers 32,32");

  return [cmd, state] {
    TrainConfig config;
    if (!state->config_file.empty()) config.load_toml_file(state->config_file);
    const auto& all = train_flags();
    for (std::size_t i = 0; i < all.size(); ++i)
      if (cmd->count(all[i].name) > 0) {
        try {
          config.set(all[i].key, state->values[i]);
        } catch (const Error& e) {
          throw Error(e.kind(), fmt::format("{}: {}", all[i].name, e.what()));
        }
      }
    if (state->batch_norm) config.set("model.batch_norm", "true");
    // Early stopping watches a validation split; give it one unless the user did.
    if (config.early_stopping > 0 && config.validation_fraction == 0) config.validation_fraction = 0.1;
    for (const auto& assignment : state->sets) {
      const auto eq = assignment.find('=');
      if (eq == std::string::npos)
        throw_usage("--set '{}': write KEY=VALUE, e.g. --set train.lr=0.01", assignment);
      config.set(assignment.substr(0, eq), assignment.substr(eq + 1));
    }
    ConsoleReporter reporter(config.log_every, state->quiet);
    run_training(config, &reporter);
  };
}

}  // namespace scratchnet::cli
