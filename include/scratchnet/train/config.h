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

#include "scratchnet/layers/layer.h"

namespace scratchnet {

// One entry of a TOML layer list ([[layer]] tables): a layer plus the
// conveniences that follow it: batch norm (after the layer, before the
// activation), the activation, and dropout.
struct LayerEntry {
  LayerSpec spec;           // type and numeric settings, e.g. dense with units
  bool batch_norm = false;
  std::string activation;   // empty: none
  double dropout = 0;
};

struct TrainConfig {
  // [data]
  std::string data = "arem";         // built-in name or CSV path
  std::string label;                 // CSV label column (name or index; empty = last)
  std::string header = "auto";       // auto | yes | no
  std::string delimiter = "auto";    // auto | , | ; | tab | space
  std::string task = "auto";         // auto | classification | regression
  double test_fraction = 0.25;
  double validation_fraction = 0;    // carved from the training part, stratified
  std::size_t train_limit = 0;       // use only the first N training samples; 0 = all
  std::string scale = "auto";        // auto (standard; none for images) | standard | minmax | none
  int arem_classes = 6;
  std::size_t samples = 0;           // synthetic sets: 0 = default size
  // [model]
  std::vector<std::size_t> layers = {50, 50};  // hidden layer sizes
  std::string activation = "relu";
  double alpha = 0.01;               // leaky_relu slope
  std::string init = "auto";
  bool batch_norm = false;           // after every hidden dense layer, before its activation
  double dropout = 0;                // after every hidden activation
  std::vector<LayerEntry> layer_list;  // [[layer]] tables; replaces layers/activation when given
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
  std::string lr_schedule = "constant";
  std::size_t early_stopping = 0;    // patience in epochs; 0 = off
  std::string monitor = "val_loss";  // val_loss | val_accuracy
  double min_delta = 0;
  double loss_tolerance = 0;         // seed 002's stop rule; 0 = off
  bool evaluate_test = true;         // false: never look at the test split (search trials)
  // [output]
  std::string out;                   // empty = runs/<timestamp>
  std::size_t log_every = 0;         // print every N epochs; 0 = about 25 lines per run
  std::size_t checkpoint_every = 0;  // write <out>/checkpoint.snc every N epochs; 0 = only on interrupt

  // Sets `key` ("section.name", or a bare name when unique) from text.
  // Throws a usage error naming the key on an unknown key or a bad value.
  void set(const std::string& key, const std::string& value);
  // Applies every key of a TOML file. Errors name path:line and the key.
  // Sections named in `skip` are left for their owner (e.g. [experiment]).
  void load_toml_file(const std::string& path, const std::vector<std::string>& skip = {});
  void load_toml_text(const std::string& text, const std::string& source,
                      const std::vector<std::string>& skip = {});
  // Every setting, as a TOML document.
  std::string to_toml() const;
  // The value of `key` as text (the form `set` accepts).
  std::string get(const std::string& key) const;
  // All keys, in section order.
  static std::vector<std::string> keys();
  // The network's layers for `outputs` outputs: the layer list (or the MLP
  // of model.layers) followed by dense(outputs).
  std::vector<LayerSpec> network_layers(std::size_t outputs) const;
};

}  // namespace scratchnet
