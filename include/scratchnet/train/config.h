#pragma once
// TrainConfig: every setting of a training run, in one place, typed.
//
// The same keys are used by TOML config files (in sections [data], [model],
// [train], [output]), by `--set section.key=value`, by the named flags of the
// command-line tool and by the Python package, which all go through `set`.
// Every value is parsed and validated when it is set: enums against their
// choices, layer types and activations against the layer registry, the
// optimizer and its hyper-parameters against the optimizer registry; errors
// name the key and the valid choices or range (and the file:line for TOML).
//
// Some settings have defaults that depend on others, resolved once per run
// after every override (resolved()): the learning rate and hyper-parameters
// of the chosen optimizer, scaling "auto" (standard for tables, none for
// images), threads 0 (the machine's cores). `to_toml` of a resolved config
// writes what the run actually used, so a run's config.toml repeats it.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/image_dataset.h"
#include "scratchnet/data/tabular_options.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/init/initializer.h"
#include "scratchnet/layers/layer.h"
#include "scratchnet/train/early_stopping.h"

namespace scratchnet {

// One entry of a TOML layer list ([[layer]] tables): a layer plus the
// conveniences that follow it: batch norm (after the layer, before the
// activation), the activation, and dropout.
struct SCRATCHNET_API LayerEntry {
  LayerSpec spec;           // type and numeric settings, e.g. dense with units
  bool batch_norm = false;
  std::string activation;   // empty: none
  double dropout = 0;
  friend bool operator==(const LayerEntry&, const LayerEntry&) = default;
};

// data.scale: a scaler kind, or auto (resolved per run).
enum class ScaleChoice { kAuto, kStandard, kMinMax, kNone };

// train.train_metrics (issue 20): where an epoch's train loss and accuracy
// come from: the running mean over its mini-batches (free; train mode,
// weights changing) or a full eval-mode pass over the training set.
enum class TrainMetrics { kRunning, kFull };

struct SCRATCHNET_API TrainConfig {
  // [data]
  std::string data = "arem";          // built-in name or path
  std::string label;                  // CSV label column (name or index; empty = last)
  HeaderMode header = HeaderMode::kAuto;
  char delimiter = 0;                 // 0 = detect
  TaskMode task = TaskMode::kAuto;
  double test_fraction = 0.25;
  double validation_fraction = 0;     // carved from the training part, stratified
  std::size_t train_limit = 0;        // use only the first N training samples; 0 = all
  ScaleChoice scale = ScaleChoice::kAuto;
  int arem_classes = 6;
  std::size_t samples = 0;            // synthetic sets: 0 = default size
  TabularOptions tabular;             // CSV tables: data.missing, missing_indicator, impute,
                                      // categorical, numeric, drop, max_categories, missing_labels
  std::size_t image_height = 0, image_width = 0;  // data.image_size; 0 = the first image's size
  int channels = 0;                   // data.channels: 1, 3, 0 = auto
  std::vector<std::string> augment;   // data.augment, e.g. {"crop:4", "flip"}
  ImageCache cache = ImageCache::kMemory;  // data.cache
  bool skip_bad_images = false;       // data.skip_bad_images
  // [model]
  std::vector<std::size_t> layers = {50, 50};  // hidden layer sizes
  std::string activation = "relu";
  std::optional<double> alpha;        // the activation's alpha (leaky_relu slope, ...); unset = its default
  InitScheme init;                    // auto
  bool batch_norm = false;            // after every hidden dense layer, before its activation
  double dropout = 0;                 // after every hidden activation
  std::string init_from;              // a model file whose weights the run starts from (issue 15); empty: model.init
  std::vector<LayerEntry> layer_list; // [[layer]] tables; replaces layers/activation when given
  // [train]
  std::string optimizer = "adam";
  std::optional<double> lr;           // unset: the optimizer's default
  std::size_t epochs = 20;
  std::size_t batch_size = 32;
  double weight_decay = 0;
  std::string class_weight;           // "" | balanced | NAME=W,... (classification)
  double label_smoothing = 0;         // eps in [0, 1): softmax cross-entropy targets (1 - eps) onehot + eps / K
  std::size_t cv = 0;                 // K-fold cross-validation on the training part; 0 = off
  // Optimizer hyper-parameters set so far (train.momentum, beta1, beta2,
  // rho, eps: the names the optimizer registry declares); the chosen
  // optimizer uses its own and ignores the others.
  std::map<std::string, double> hyper;
  std::uint64_t seed = 42;
  int threads = 0;                    // 0: the machine's cores, shared among parallel jobs
  std::size_t batch_shares = 2;       // most shares of a batch-parallel step (train/batch_parallel.h); 1: plain steps
  std::string lr_schedule = "constant";
  std::size_t early_stopping = 0;     // patience in epochs; 0 = off
  Monitor monitor = Monitor::kValLoss;
  double min_delta = 0;
  double loss_tolerance = 0;          // seed 002's stop rule; 0 = off
  // Issue 20: the test split every N epochs (and after the last); 0: never
  // look at it (search trials), 1 (true): every epoch.
  std::size_t evaluate_test = 1;
  TrainMetrics train_metrics = TrainMetrics::kRunning;
  std::string stop_at;                // "val_accuracy>=0.9" | "val_loss<=X" (train/stop_at.h); empty: off
  std::string diagnostics = "off";    // per-layer diagnostics cadence (train/diagnostics.h)
  // [output]
  std::string out;                    // empty = runs/<timestamp>
  std::size_t log_every = 0;          // print every N epochs; 0 = about 25 lines per run
  std::size_t checkpoint_every = 0;   // write <out>/checkpoint.snc every N epochs; 0 = only on interrupt

  // Sets `key` ("section.name", or a bare name when unique) from text.
  // Throws a usage error naming the key on an unknown key or a bad value.
  void set(const std::string& key, const std::string& value);
  // The value of `key` as text (the form `set` accepts); empty when unset.
  std::string get(const std::string& key) const;
  // Applies every key of a TOML file. Errors name path:line and the key.
  // Sections named in `skip` are left for their owner (e.g. [experiment]).
  void load_toml_file(const std::string& path, const std::vector<std::string>& skip = {});
  void load_toml_text(const std::string& text, const std::string& source,
                      const std::vector<std::string>& skip = {});
  // Every setting that has a value, as a TOML document.
  std::string to_toml() const;

  // This config with the per-run defaults filled in: the optimizer's rate and
  // hyper-parameters, scaling for `image_data` or not, threads for
  // `parallel_jobs` jobs sharing the machine.
  TrainConfig resolved(bool image_data, int parallel_jobs = 1) const;
  // The scaler a resolved config asks for.
  ScalerKind scaler_kind() const;
  // The validation share a run uses: data.validation_fraction, or 0.1 when
  // early stopping or stop_at is on without one (they watch a validation split).
  double effective_validation_fraction() const;

  // All keys, in section order, and the one-line help of each (with its
  // choices or range).
  static std::vector<std::string> keys();
  static std::string help(const std::string& key);
  // The network's layers for `outputs` outputs: the layer list (or the MLP
  // of model.layers) followed by dense(outputs).
  std::vector<LayerSpec> network_layers(std::size_t outputs) const;
};

SCRATCHNET_API std::string to_string(ScaleChoice scale);
SCRATCHNET_API std::string to_string(Monitor monitor);

}  // namespace scratchnet
