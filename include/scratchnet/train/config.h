#pragma once
// TrainConfig: every setting of a training run, in one place.
//
// The same keys are used by TOML config files (in sections [data], [model],
// [train], [output]), by `--set section.key=value` and by the named flags of
// the command-line tool, which all go through `set`. Every value is
// validated when it is set; errors name the key (and the file:line for TOML).
// `to_toml` writes every resolved setting, so a run's config.toml reproduces it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace scratchnet {

struct TrainConfig {
  // [data]
  std::string data = "arem";         // built-in name or CSV path
  std::string label;                 // CSV label column (name or index; empty = last)
  std::string header = "auto";       // auto | yes | no
  std::string delimiter = "auto";    // auto | , | ; | tab | space
  std::string task = "auto";         // auto | classification | regression
  double test_fraction = 0.25;
  std::string scale = "standard";    // standard | minmax | none
  int arem_classes = 6;
  std::size_t samples = 0;           // synthetic sets: 0 = default size
  // [model]
  std::vector<std::size_t> layers = {50, 50};  // hidden layer sizes
  std::string activation = "relu";
  double alpha = 0.01;               // leaky_relu slope
  std::string init = "auto";
  // [train]
  std::string optimizer = "adam";
  double lr = 0;                     // 0 = the optimizer's default
  std::size_t epochs = 20;
  std::size_t batch_size = 32;
  double weight_decay = 0;
  double momentum = 0.9;
  double beta1 = 0.9;
  double beta2 = 0.999;
  std::uint64_t seed = 42;
  int threads = 1;
  // [output]
  std::string out;                   // empty = runs/<timestamp>
  std::size_t log_every = 0;         // print every N epochs; 0 = about 25 lines per run

  // Sets `key` ("section.name", or a bare name when unique) from text.
  // Throws a usage error naming the key on an unknown key or a bad value.
  void set(const std::string& key, const std::string& value);
  // Applies every key of a TOML file. Errors name path:line and the key.
  void load_toml_file(const std::string& path);
  void load_toml_text(const std::string& text, const std::string& source);
  // Every setting, as a TOML document.
  std::string to_toml() const;
  // The value of `key` as text (the form `set` accepts).
  std::string get(const std::string& key) const;
  // All keys, in section order.
  static std::vector<std::string> keys();
};

}  // namespace scratchnet
