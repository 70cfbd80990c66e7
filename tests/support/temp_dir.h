#pragma once
// A fresh folder name under the system's temporary folder, unique to this
// process and `name` (any old folder of that name is removed).

#include <unistd.h>

#include <filesystem>
#include <string>

namespace scratchnet::testing {

inline std::string temp_dir(const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("scratchnet_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  return dir.string();
}

}  // namespace scratchnet::testing
