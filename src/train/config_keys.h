#pragma once
// Internal: the table of TrainConfig's keys. Each Setting parses and
// validates its text into a typed field (set), gives it back as text (get;
// empty when unset) and knows its TOML kind and its help line. The help of
// keys whose choices come from a registry (activations, optimizers and their
// hyper-parameters) is built from the registry.

#include <functional>
#include <string>
#include <vector>

#include "scratchnet/train/config.h"

namespace scratchnet::config_detail {

enum class Kind { kString, kInt, kFloat, kList, kStringList, kBool };

struct Setting {
  std::string key;
  Kind kind;
  std::string help;
  std::function<void(TrainConfig&, const std::string&)> set;
  std::function<std::string(const TrainConfig&)> get;
};

const std::vector<Setting>& settings();
// The setting `key` ("section.name", or a bare name when unique); a usage
// error naming the known keys otherwise.
const Setting& find_setting(const std::string& key);

double parse_double(const std::string& key, const std::string& text);
long long parse_int(const std::string& key, const std::string& text);
// Shortest text that reads back as the same double.
std::string number_text(double v);
// "a,b,c" as {"a", "b", "c"} (items trimmed; empty text: no items), and back.
std::vector<std::string> split_list(const std::string& text);
std::string join_list(const std::vector<std::string>& items);

}  // namespace scratchnet::config_detail
