// Training settings as flags: see settings_flags.h.

#include "settings_flags.h"

#include <fmt/format.h>

#include "scratchnet/core/error.h"

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
      {"--data", "data.source", "arem | digits | xor | or | sine | fashion-mnist | mnist | PATH.csv[.gz] | IDX folder | "
       "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS (default arem)"},
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
      {"--checkpoint-every", "output.checkpoint_every",
       "write <out>/checkpoint.snc every N epochs (resume with --resume <out>)"},
  };
  return flags;
}

}  // namespace

std::shared_ptr<SettingsFlags> add_settings_flags(CLI::App& cmd, const std::string& config_help) {
  auto flags = std::make_shared<SettingsFlags>();
  const auto& table = train_flags();
  flags->values.resize(table.size());
  cmd.add_option("config", flags->config_file, config_help);
  for (std::size_t i = 0; i < table.size(); ++i)
    cmd.add_option(table[i].name, flags->values[i], table[i].help);
  cmd.add_flag("--batch-norm", flags->batch_norm,
               "batch normalisation after every hidden dense layer, before its activation");
  cmd.add_option("--set", flags->sets, "override any setting: KEY=VALUE, e.g. train.lr=0.01");
  return flags;
}

TrainConfig resolve_settings(const CLI::App& cmd, const SettingsFlags& flags,
                             const std::vector<std::string>& skip) {
  TrainConfig config;
  if (!flags.config_file.empty()) config.load_toml_file(flags.config_file, skip);
  const auto& table = train_flags();
  for (std::size_t i = 0; i < table.size(); ++i)
    if (cmd.count(table[i].name) > 0) {
      try {
        config.set(table[i].key, flags.values[i]);
      } catch (const Error& e) {
        throw Error(e.kind(), fmt::format("{}: {}", table[i].name, e.what()));
      }
    }
  if (flags.batch_norm) config.set("model.batch_norm", "true");
  for (const auto& assignment : flags.sets) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos)
      throw_usage("--set '{}': write KEY=VALUE, e.g. --set train.lr=0.01", assignment);
    config.set(assignment.substr(0, eq), assignment.substr(eq + 1));
  }
  // Early stopping watches a validation split; give it one unless the user did.
  if (config.early_stopping > 0 && config.validation_fraction == 0) config.validation_fraction = 0.1;
  return config;
}

}  // namespace scratchnet::cli
