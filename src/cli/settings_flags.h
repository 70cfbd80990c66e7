#pragma once
// The training settings as flags, shared by train, compare and search: a
// config file, one flag per common setting, --set KEY=VALUE for any setting.

#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "scratchnet/train/config.h"

namespace scratchnet::cli {

struct SettingsFlags {
  std::string config_file;
  std::vector<std::string> values;  // one per flag of the table
  std::vector<std::string> sets;
  bool batch_norm = false;
};

// Adds the positional config file (described by `config_help`) and the flags.
std::shared_ptr<SettingsFlags> add_settings_flags(CLI::App& cmd, const std::string& config_help);

// The config the flags describe: the file (sections in `skip` left out), then
// the flags, then --set.
TrainConfig resolve_settings(const CLI::App& cmd, const SettingsFlags& flags,
                             const std::vector<std::string>& skip = {});

}  // namespace scratchnet::cli
