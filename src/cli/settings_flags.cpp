// Training settings as flags: see settings_flags.h.

#include "settings_flags.h"

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet::cli {
namespace {

// Each flag and the config key it sets; the help is the key's own
// (TrainConfig::help), so choices listed there come from the registries.
struct Flag {
  const char* name;
  const char* key;
  const char* bare = nullptr;  // the value of the flag given alone (--diagnostics); null: it needs one
};

const std::vector<Flag>& train_flags() {
  static const std::vector<Flag> flags = {
      {"--data", "data.source"},
      {"--label", "data.label"},
      {"--header", "data.header"},
      {"--delimiter", "data.delimiter"},
      {"--task", "data.task"},
      {"--test-fraction", "data.test_fraction"},
      {"--validation-fraction", "data.validation_fraction"},
      {"--train-limit", "data.train_limit"},
      {"--scale", "data.scale"},
      {"--arem-classes", "data.arem_classes"},
      {"--samples", "data.samples"},
      {"--image-size", "data.image_size"},
      {"--channels", "data.channels"},
      {"--skip-bad-images", "data.skip_bad_images", "true"},
      {"--layers", "model.layers"},
      {"--activation", "model.activation"},
      {"--alpha", "model.alpha"},
      {"--init", "model.init"},
      {"--init-from", "model.init_from"},
      {"--dropout", "model.dropout"},
      {"--optimizer", "train.optimizer"},
      {"--lr", "train.lr"},
      {"--epochs", "train.epochs"},
      {"--batch-size", "train.batch_size"},
      {"--weight-decay", "train.weight_decay"},
      {"--class-weight", "train.class_weight"},
      {"--label-smoothing", "train.label_smoothing"},
      {"--cv", "train.cv"},
      {"--momentum", "train.momentum"},
      {"--rho", "train.rho"},
      {"--beta1", "train.beta1"},
      {"--beta2", "train.beta2"},
      {"--eps", "train.eps"},
      {"--seed", "train.seed"},
      {"--threads", "train.threads"},
      {"--batch-shares", "train.batch_shares"},
      {"--lr-schedule", "train.lr_schedule"},
      {"--early-stopping", "train.early_stopping"},
      {"--monitor", "train.monitor"},
      {"--min-delta", "train.min_delta"},
      {"--loss-tolerance", "train.loss_tolerance"},
      {"--out", "output.dir"},
      {"--log-every", "output.log_every"},
      {"--checkpoint-every", "output.checkpoint_every"},
      {"--diagnostics", "train.diagnostics", "epoch"},  // issue 18: --diagnostics or --diagnostics=every:200
      // Issue 20: time to accuracy.
      {"--evaluate-test", "train.evaluate_test"},
      {"--train-metrics", "train.train_metrics"},
      {"--stop-at", "train.stop_at"},
  };
  return flags;
}

}  // namespace

std::shared_ptr<SettingsFlags> add_settings_flags(CLI::App& cmd, const std::string& config_help) {
  auto flags = std::make_shared<SettingsFlags>();
  const auto& table = train_flags();
  flags->values.resize(table.size());
  cmd.add_option("config", flags->config_file, config_help);
  for (std::size_t i = 0; i < table.size(); ++i) {
    const std::string help = TrainConfig::help(table[i].key);
    if (table[i].bare)
      cmd.add_flag(fmt::format("{}{{{}}}", table[i].name, table[i].bare), flags->values[i], help)
          ->option_text("[=VALUE]");
    else
      cmd.add_option(table[i].name, flags->values[i], help);
  }
  cmd.add_flag("--batch-norm", flags->batch_norm, TrainConfig::help("model.batch_norm"));
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
  return config;
}

}  // namespace scratchnet::cli
