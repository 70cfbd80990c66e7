#include "config_keys.h"

#include <charconv>
#include <cmath>
#include <utility>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/optim/schedule.h"
#include "scratchnet/train/diagnostics.h"
#include "scratchnet/train/stop_at.h"

namespace scratchnet::config_detail {

double parse_double(const std::string& key, const std::string& text) {
  double value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
    throw_usage("{}: '{}' is not a number", key, text);
  return value;
}

long long parse_int(const std::string& key, const std::string& text) {
  long long value = 0;
  const char* begin = text.data();
  if (!text.empty() && text[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size())
    throw_usage("{}: '{}' is not an integer", key, text);
  return value;
}

std::string number_text(double v) { return fmt::format("{}", v); }

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  if (text.find_first_not_of(" \t") == std::string::npos) return items;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    items.push_back(item);
    if (comma == std::string::npos) return items;
    start = comma + 1;
  }
}

std::string join_list(const std::vector<std::string>& items) { return fmt::format("{}", fmt::join(items, ",")); }

namespace {

using Config = TrainConfig;

Setting text(const char* key, std::string Config::*field, std::string help,
             std::function<void(const std::string&, const std::string&)> check = nullptr) {
  return {key, Kind::kString, std::move(help),
          [=](Config& c, const std::string& v) {
            if (check) check(key, v);
            c.*field = v;
          },
          [=](const Config& c) { return c.*field; }};
}

// An enum-like setting: one of the named values.
template <class E>
Setting choice(const char* key, E Config::*field, std::vector<std::pair<std::string, E>> choices,
               const std::string& help) {
  std::vector<std::string> names;
  for (const auto& c : choices) names.push_back(c.first);
  return {key, Kind::kString, fmt::format("{}: {}", fmt::join(names, " | "), help),
          [=](Config& c, const std::string& v) {
            for (const auto& [name, value] : choices)
              if (v == name) {
                c.*field = value;
                return;
              }
            throw_usage("{}: '{}' is not one of: {}", key, v, fmt::join(names, ", "));
          },
          [=](const Config& c) {
            for (const auto& [name, value] : choices)
              if (c.*field == value) return name;
            return std::string();
          }};
}

Setting real(const char* key, double Config::*field, double min, double max, const std::string& help,
             bool min_inclusive = true) {
  return {key, Kind::kFloat, help,
          [=](Config& c, const std::string& v) {
            const double x = parse_double(key, v);
            if (x < min || x > max || (!min_inclusive && x == min))
              throw_usage("{}: {} is out of range {}{:g}, {:g}]", key, v, min_inclusive ? "[" : "(", min, max);
            c.*field = x;
          },
          [=](const Config& c) { return number_text(c.*field); }};
}

template <class I>
Setting integer(const char* key, I Config::*field, long long min, long long max, const std::string& help) {
  return {key, Kind::kInt, help,
          [=](Config& c, const std::string& v) {
            const long long x = parse_int(key, v);
            if (x < min || x > max) throw_usage("{}: {} is out of range [{}, {}]", key, v, min, max);
            c.*field = static_cast<I>(x);
          },
          [=](const Config& c) { return std::to_string(c.*field); }};
}

bool parse_bool(const char* key, const std::string& v) {
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  throw_usage("{}: '{}' is not true or false", key, v);
}

Setting boolean(const char* key, bool Config::*field, const std::string& help) {
  return {key, Kind::kBool, help, [=](Config& c, const std::string& v) { c.*field = parse_bool(key, v); },
          [=](const Config& c) { return std::string(c.*field ? "true" : "false"); }};
}

// A list of names ("zip,city"; in TOML an array of strings).
Setting names(const char* key, std::vector<std::string> TabularOptions::*field, const std::string& help) {
  return {key, Kind::kStringList, help,
          [=](Config& c, const std::string& v) { c.tabular.*field = split_list(v); },
          [=](const Config& c) { return join_list(c.tabular.*field); }};
}

// data.* keys of tables and image folders.
std::vector<Setting> data_preprocessing() {
  return {
      {"data.missing", Kind::kStringList,
       "cells that mean 'no value' in CSV tables (default NA,N/A,NaN,nan,null,None,?,-; an empty cell always is)",
       [](Config& c, const std::string& v) { c.tabular.missing = split_list(v); },
       [](const Config& c) { return join_list(c.tabular.missing); }},
      {"data.missing_indicator", Kind::kBool, "add a 0/1 column per column that had missing cells",
       [](Config& c, const std::string& v) { c.tabular.missing_indicator = parse_bool("data.missing_indicator", v); },
       [](const Config& c) { return std::string(c.tabular.missing_indicator ? "true" : "false"); }},
      {"data.impute", Kind::kString,
       "median | mean | most_frequent | constant:V: what fills missing numbers (fitted on the training rows)",
       [](Config& c, const std::string& v) { c.tabular.impute = parse_impute_strategy(v); },
       [](const Config& c) { return to_string(c.tabular.impute); }},
      names("data.categorical", &TabularOptions::categorical, "columns to one-hot encode even if they hold numbers"),
      names("data.numeric", &TabularOptions::numeric, "columns to read as numbers even if mostly words"),
      names("data.drop", &TabularOptions::drop, "columns to ignore"),
      {"data.max_categories", Kind::kInt, "most categories a column may have (default 50)",
       [](Config& c, const std::string& v) {
         const long long x = parse_int("data.max_categories", v);
         if (x < 1 || x > 1'000'000) throw_usage("data.max_categories: {} is out of range [1, 1000000]", v);
         c.tabular.max_categories = static_cast<std::size_t>(x);
       },
       [](const Config& c) { return std::to_string(c.tabular.max_categories); }},
      {"data.missing_labels", Kind::kString, "drop | error: a row without a label",
       [](Config& c, const std::string& v) { c.tabular.missing_labels = parse_missing_labels(v); },
       [](const Config& c) { return to_string(c.tabular.missing_labels); }},
      {"data.image_size", Kind::kList, "H,W: image folders are resized to it (default: the first image's size)",
       [](Config& c, const std::string& v) {
         const auto items = split_list(v);
         if (items.empty()) {
           c.image_height = c.image_width = 0;
           return;
         }
         if (items.size() != 2) throw_usage("data.image_size: write H,W (e.g. 128,128), got '{}'", v);
         const long long h = parse_int("data.image_size", items[0]), w = parse_int("data.image_size", items[1]);
         if (h < 1 || w < 1 || h > 16384 || w > 16384)
           throw_usage("data.image_size: {} x {} is out of range [1, 16384]", h, w);
         c.image_height = static_cast<std::size_t>(h);
         c.image_width = static_cast<std::size_t>(w);
       },
       [](const Config& c) {
         return c.image_height == 0 ? std::string() : fmt::format("{},{}", c.image_height, c.image_width);
       }},
      {"data.channels", Kind::kInt, "1 | 3 | 0: image channels (0: 3 if any image is in colour)",
       [](Config& c, const std::string& v) {
         const long long x = parse_int("data.channels", v);
         if (x != 0 && x != 1 && x != 3) throw_usage("data.channels: {} is not 0, 1 or 3", v);
         c.channels = static_cast<int>(x);
       },
       [](const Config& c) { return std::to_string(c.channels); }},
      {"data.augment", Kind::kStringList, "training-batch augmentation of images: crop:P, flip, jitter:J",
       [](Config& c, const std::string& v) {
         const auto items = split_list(v);
         parse_image_augment(items);  // a usage error naming a bad item
         c.augment = items;
       },
       [](const Config& c) { return join_list(c.augment); }},
      {"data.cache", Kind::kString, "memory | none: keep decoded images in memory, or decode them per epoch",
       [](Config& c, const std::string& v) { c.cache = parse_image_cache(v); },
       [](const Config& c) { return to_string(c.cache); }},
      boolean("data.skip_bad_images", &Config::skip_bad_images,
              "skip unreadable image files (listed in the run header and summary.json) instead of stopping"),
  };
}

Setting layer_sizes() {
  return {"model.layers", Kind::kList, "hidden layer sizes, e.g. 50,50,50 (empty or none: no hidden layer)",
          [](Config& c, const std::string& v) {
            std::vector<std::size_t> sizes;
            if (v.find_first_not_of(" \t") != std::string::npos && v != "none") {
              std::size_t start = 0;
              while (true) {
                const std::size_t comma = v.find(',', start);
                std::string item = v.substr(start, comma == std::string::npos ? comma : comma - start);
                item.erase(0, item.find_first_not_of(" \t"));
                item.erase(item.find_last_not_of(" \t") + 1);
                const long long n = parse_int("model.layers", item);
                if (n < 1 || n > 1'000'000)
                  throw_usage("model.layers: a layer size must be in [1, 1000000], got {}", item);
                sizes.push_back(static_cast<std::size_t>(n));
                if (comma == std::string::npos) break;
                start = comma + 1;
              }
            }
            c.layers = sizes;
          },
          [](const Config& c) { return fmt::format("{}", fmt::join(c.layers, ",")); }};
}

// train.<name> for a hyper-parameter of the optimizer registry.
Setting hyper_parameter(const HyperParameter& h) {
  std::vector<std::string> users;
  for (const OptimizerType* type : optimizer_types())
    for (const HyperParameter& other : type->hyper)
      if (std::string(other.name) == h.name)
        users.push_back(fmt::format("{} {:g}", type->name, other.default_value));
  const std::string key = std::string("train.") + h.name;
  return {key, Kind::kFloat,
          fmt::format("{}, in {} (default: {})", h.help, h.range(), fmt::join(users, ", ")),
          [key, &h](Config& c, const std::string& v) {
            const double x = parse_double(key, v);
            if (!h.accepts(x)) throw_usage("{}: {} is out of range {}", key, v, h.range());
            c.hyper[h.name] = x;
          },
          [&h](const Config& c) {
            const auto it = c.hyper.find(h.name);
            return it == c.hyper.end() ? std::string() : number_text(it->second);
          }};
}

// model.alpha applies to the activations whose schema has an alpha.
std::string alpha_help() {
  std::vector<std::string> users;
  for (const LayerType* type : layer_types())
    for (const AttrSchema& a : type->attrs)
      if (type->activation && std::string(a.name) == "alpha")
        users.push_back(fmt::format("{} {}, default {:g}", type->name, a.help, a.default_value.value_or(0)));
  return fmt::format("the activation's alpha ({})", fmt::join(users, "; "));
}

std::vector<Setting> make_settings() {
  std::vector<Setting> table = {
      text("data.source", &Config::data,
           "arem | digits | xor | or | sine | fashion-mnist | mnist | PATH.csv[.gz] | IDX folder | "
           "idx:TRAIN_IMAGES,TRAIN_LABELS,TEST_IMAGES,TEST_LABELS (default arem)",
           [](const std::string& key, const std::string& v) {
             if (v.empty()) throw_usage("{}: must name a data set or a CSV file", key);
           }),
      text("data.label", &Config::label, "CSV label column: name or 0-based index (default: last column)"),
      {"data.header", Kind::kString, "auto | yes | no: whether the CSV's first row is a header",
       [](Config& c, const std::string& v) { c.header = parse_header_mode(v, "data.header"); },
       [](const Config& c) { return to_string(c.header); }},
      choice<char>("data.delimiter", &Config::delimiter,
                   {{"auto", 0}, {",", ','}, {";", ';'}, {"tab", '\t'}, {"space", ' '}}, "CSV delimiter"),
      choice<TaskMode>("data.task", &Config::task,
                       {{"auto", TaskMode::kAuto},
                        {"classification", TaskMode::kClassification},
                        {"regression", TaskMode::kRegression}},
                       "auto: regression when the labels are non-integer numbers"),
      real("data.test_fraction", &Config::test_fraction, 0.0, 0.95, "held-out test share, stratified (default 0.25)"),
      real("data.validation_fraction", &Config::validation_fraction, 0.0, 0.9,
           "validation share carved from the training part (default 0: none)"),
      integer("data.train_limit", &Config::train_limit, 0, 1'000'000'000,
              "train on only the first N training samples (over-fitting studies)"),
      choice<ScaleChoice>("data.scale", &Config::scale,
                          {{"auto", ScaleChoice::kAuto},
                           {"standard", ScaleChoice::kStandard},
                           {"minmax", ScaleChoice::kMinMax},
                           {"none", ScaleChoice::kNone}},
                          "fitted on the training split (auto: standard; pixels in [0,1] for images)"),
      integer("data.arem_classes", &Config::arem_classes, 6, 7, "6 (bending1+2 merged, as seed 000) or 7"),
      integer("data.samples", &Config::samples, 0, 100'000'000, "size of a synthetic data set (xor, or, sine)"),
  };
  for (Setting& s : data_preprocessing()) table.push_back(std::move(s));
  const std::vector<Setting> model_and_train = {
      layer_sizes(),
      {"model.activation", Kind::kString,
       fmt::format("{} (hidden layers)", fmt::join(activation_names(), " | ")),
       [](Config& c, const std::string& v) {
         check_activation("model.activation", v);
         c.activation = v;
       },
       [](const Config& c) { return c.activation; }},
      {"model.alpha", Kind::kFloat, alpha_help(),
       [](Config& c, const std::string& v) {
         const double x = parse_double("model.alpha", v);
         if (!(x >= 0 && x <= 1e3)) throw_usage("model.alpha: {} is out of range [0, 1000]", v);
         c.alpha = x;
       },
       [](const Config& c) { return c.alpha ? number_text(*c.alpha) : std::string(); }},
      {"model.init", Kind::kString, "auto | he | he_uniform | xavier | xavier_uniform | normal:STD | uniform:LIMIT",
       [](Config& c, const std::string& v) { c.init = InitScheme::parse(v); },
       [](const Config& c) { return c.init.str(); }},
      boolean("model.batch_norm", &Config::batch_norm,
              "batch normalisation after every hidden dense layer, before its activation"),
      real("model.dropout", &Config::dropout, 0.0, 0.99, "dropout rate after every hidden activation (default 0)"),
      // Issue 15: training from given weights (app/interchange.h load_initial_weights).
      text("model.init_from", &Config::init_from,
           "a model file (.snm) of the same architecture whose weights and batch-norm statistics the run "
           "starts from, instead of drawing them (model.init)"),
      {"train.optimizer", Kind::kString, fmt::format("{}", fmt::join(registered_optimizer_types(), " | ")),
       [](Config& c, const std::string& v) {
         optimizer_type(v);  // a usage error naming the choices
         c.optimizer = v;
       },
       [](const Config& c) { return c.optimizer; }},
      {"train.lr", Kind::kFloat, "learning rate (default: the optimizer's own)",
       [](Config& c, const std::string& v) {
         const double x = parse_double("train.lr", v);
         if (x < 0 || x > 1e6) throw_usage("train.lr: {} is out of range (0, 1e+06]", v);
         // 0 is how earlier versions wrote "the optimizer's default".
         c.lr = x > 0 ? std::optional<double>(x) : std::nullopt;
       },
       [](const Config& c) { return c.lr ? number_text(*c.lr) : std::string(); }},
      integer("train.epochs", &Config::epochs, 1, 10'000'000, "passes over the training data"),
      integer("train.batch_size", &Config::batch_size, 1, 100'000'000, "mini-batch size (the remainder batch is kept)"),
      real("train.weight_decay", &Config::weight_decay, 0.0, 1e6, "L2 coefficient lambda on the weights"),
      text("train.class_weight", &Config::class_weight,
           "balanced | NAME=W,...: weight the loss per class (empty: all 1)",
           [](const std::string& key, const std::string& v) {
             if (v.empty() || v == "balanced") return;
             for (const std::string& item : split_list(v)) {
               const auto eq = item.rfind('=');
               if (eq == std::string::npos || eq == 0)
                 throw_usage("{}: '{}' is not NAME=WEIGHT (write balanced, or e.g. rare=5,common=1)", key, item);
               const double w = parse_double(key, item.substr(eq + 1));
               if (!(w > 0)) throw_usage("{}: the weight of '{}' must be positive", key, item.substr(0, eq));
             }
           }),
      {"train.label_smoothing", Kind::kFloat,
       "eps in [0, 1): train the softmax cross-entropy against (1 - eps) one-hot + eps / classes, as "
       "PyTorch's CrossEntropyLoss(label_smoothing=eps); its validation and test losses too (default 0)",
       [](Config& c, const std::string& v) {
         const double x = parse_double("train.label_smoothing", v);
         if (!(x >= 0 && x < 1)) throw_usage("train.label_smoothing: {} is out of range [0, 1)", v);
         c.label_smoothing = x;
       },
       [](const Config& c) { return number_text(c.label_smoothing); }},
      integer("train.batch_shares", &Config::batch_shares, 1, 64,
              "most shares a batch is cut into, for the threads to take through forward and backward side by "
              "side (batches of 32 rows and up; never depends on --threads, so the numbers do not either); "
              "1: plain steps, about 5% faster on one thread (default 2)"),
      integer("train.cv", &Config::cv, 0, 100,
              "K-fold cross-validation on the training part before the final model (0: off)"),
  };
  table.insert(table.end(), model_and_train.begin(), model_and_train.end());
  // The optimizers' hyper-parameters, one key per name, in registry order.
  std::vector<std::string> seen;
  for (const OptimizerType* type : optimizer_types())
    for (const HyperParameter& h : type->hyper)
      if (std::find(seen.begin(), seen.end(), h.name) == seen.end()) {
        seen.emplace_back(h.name);
        table.push_back(hyper_parameter(h));
      }
  const std::vector<Setting> rest = {
      {"train.seed", Kind::kInt, "seed of the split, initial weights and shuffles",
       [](Config& c, const std::string& v) {
         const long long x = parse_int("train.seed", v);
         if (x < 0) throw_usage("train.seed: must be zero or positive, got {}", v);
         c.seed = static_cast<std::uint64_t>(x);
       },
       [](const Config& c) { return std::to_string(c.seed); }},
      integer("train.threads", &Config::threads, 0, 256,
              "threads for the kernels (default 0: the machine's cores, shared among parallel jobs; "
              "results are the same for any count)"),
      text("train.lr_schedule", &Config::lr_schedule,
           "constant | step:EPOCHS:FACTOR | exp:GAMMA | cosine | plateau:PATIENCE:FACTOR | warmup_cosine:W "
           "(per step: linear warm-up over W epochs, then cosine to 0)",
           [](const std::string&, const std::string& v) { LrSchedule::parse(v, 1.0, 1); }),
      integer("train.early_stopping", &Config::early_stopping, 0, 1'000'000,
              "stop after PATIENCE epochs without improvement and restore the best weights"),
      choice<Monitor>("train.monitor", &Config::monitor,
                      {{"val_loss", Monitor::kValLoss}, {"val_accuracy", Monitor::kValAccuracy}},
                      "what early stopping watches"),
      real("train.min_delta", &Config::min_delta, 0.0, 1e9, "smallest change that counts as an improvement"),
      real("train.loss_tolerance", &Config::loss_tolerance, 0.0, 1e9,
           "stop when the training loss changes by less than this between epochs (seed 002)"),
      // Issue 20 (time to accuracy): evaluate_test takes an interval; train_metrics; stop_at.
      {"train.evaluate_test", Kind::kBool,
       "true | false | N: evaluate on the test split after every epoch, never (false: search trials), or every "
       "N-th epoch and the last (the final model is always tested unless false)",
       [](Config& c, const std::string& v) {
         if (v.find_first_not_of("+0123456789") != std::string::npos) {
           c.evaluate_test = parse_bool("train.evaluate_test", v) ? 1 : 0;
           return;
         }
         const long long n = parse_int("train.evaluate_test", v);
         if (n < 0 || n > 10'000'000) throw_usage("train.evaluate_test: {} is out of range [0, 10000000]", v);
         c.evaluate_test = static_cast<std::size_t>(n);
       },
       [](const Config& c) {
         return c.evaluate_test <= 1 ? std::string(c.evaluate_test == 1 ? "true" : "false")
                                     : std::to_string(c.evaluate_test);
       }},
      choice<TrainMetrics>("train.train_metrics", &Config::train_metrics,
                           {{"running", TrainMetrics::kRunning}, {"full", TrainMetrics::kFull}},
                           "an epoch's train loss/accuracy: the running mean over its mini-batches (default: "
                           "free, as Keras reports it; dropout active, weights changing) or a full eval-mode pass "
                           "over the training set (costs a pass; for over-fitting studies, where the running mean "
                           "would blur the train/test gap)"),
      {"train.stop_at", Kind::kString,
       "val_accuracy>=X | val_loss<=X: stop once the validation metric reaches X (validation metrics only: "
       "stopping on the test set would select on it); summary.json records target_reached_epoch and "
       "seconds_to_target",
       [](Config& c, const std::string& v) {
         const auto target = StopTarget::parse(v);
         c.stop_at = target ? target->str() : std::string();
       },
       [](const Config& c) { return c.stop_at; }},
      // Per-layer diagnostics (issue 18): layers.csv, histograms.csv, parameters.csv in the run folder.
      text("train.diagnostics", &Config::diagnostics,
           "per-layer activation statistics, histograms and gradient norms on a probe batch, at "
           "initialisation and then: off | epoch | epoch:K (every K-th epoch) | every:N (every N-th iteration)",
           [](const std::string& key, const std::string& v) { DiagnosticsCadence::parse(v, key); }),
      text("output.dir", &Config::out, "run folder (default runs/<timestamp>)"),
      integer("output.log_every", &Config::log_every, 0, 10'000'000, "print every N-th epoch (default: about 25 lines)"),
      integer("output.checkpoint_every", &Config::checkpoint_every, 0, 10'000'000,
              "write <out>/checkpoint.snc every N epochs (resume with --resume <out>)"),
  };
  table.insert(table.end(), rest.begin(), rest.end());
  return table;
}

}  // namespace

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = make_settings();
  return table;
}

const Setting& find_setting(const std::string& key) {
  const auto& table = settings();
  for (const auto& s : table)
    if (key == s.key) return s;
  // A bare name ("lr") matches "train.lr" when unique.
  const Setting* match = nullptr;
  for (const auto& s : table) {
    if (s.key.substr(s.key.find('.') + 1) == key) {
      if (match) throw_usage("setting '{}' is ambiguous: write the section too", key);
      match = &s;
    }
  }
  if (match) return *match;
  throw_usage("unknown setting '{}' (known: {})", key, fmt::join(TrainConfig::keys(), ", "));
}

}  // namespace scratchnet::config_detail
