#include "scratchnet/train/config.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "scratchnet/core/error.h"
#include "scratchnet/init/initializer.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/optim/schedule.h"
#include "scratchnet/train/network.h"
#include "toml_shield.h"

namespace scratchnet {
namespace {

enum class Kind { kString, kInt, kFloat, kList, kBool };

struct Setting {
  const char* key;
  Kind kind;
  std::function<void(TrainConfig&, const std::string&)> set;
  std::function<std::string(const TrainConfig&)> get;
};

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

std::string choice(const std::string& key, const std::string& text,
                   std::initializer_list<const char*> allowed) {
  for (const char* a : allowed)
    if (text == a) return text;
  throw_usage("{}: '{}' is not one of: {}", key, text, fmt::join(allowed, ", "));
}

// Shortest text that reads back as the same double.
std::string number_text(double v) { return fmt::format("{}", v); }

// Setting builders: each validates and stores one field.
Setting text(const char* key, std::string TrainConfig::*field,
             std::function<std::string(const std::string&, const std::string&)> check = nullptr) {
  return {key, Kind::kString,
          [=](TrainConfig& c, const std::string& v) { c.*field = check ? check(key, v) : v; },
          [=](const TrainConfig& c) { return c.*field; }};
}

Setting real(const char* key, double TrainConfig::*field, double min, double max,
             bool min_inclusive = true) {
  return {key, Kind::kFloat,
          [=](TrainConfig& c, const std::string& v) {
            const double x = parse_double(key, v);
            if (x < min || x > max || (!min_inclusive && x == min))
              throw_usage("{}: {} is out of range ({}{:g}, {:g}]", key, v, min_inclusive ? "[" : "(",
                          min, max);
            c.*field = x;
          },
          [=](const TrainConfig& c) { return number_text(c.*field); }};
}

template <class I>
Setting integer(const char* key, I TrainConfig::*field, long long min, long long max) {
  return {key, Kind::kInt,
          [=](TrainConfig& c, const std::string& v) {
            const long long x = parse_int(key, v);
            if (x < min || x > max)
              throw_usage("{}: {} is out of range [{}, {}]", key, v, min, max);
            c.*field = static_cast<I>(x);
          },
          [=](const TrainConfig& c) { return std::to_string(c.*field); }};
}

Setting boolean(const char* key, bool TrainConfig::*field) {
  return {key, Kind::kBool,
          [=](TrainConfig& c, const std::string& v) {
            if (v == "true" || v == "1" || v == "yes" || v == "on")
              c.*field = true;
            else if (v == "false" || v == "0" || v == "no" || v == "off")
              c.*field = false;
            else
              throw_usage("{}: '{}' is not true or false", key, v);
          },
          [=](const TrainConfig& c) { return std::string(c.*field ? "true" : "false"); }};
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      text("data.source", &TrainConfig::data,
           [](const std::string& key, const std::string& v) {
             if (v.empty()) throw_usage("{}: must name a data set or a CSV file", key);
             return v;
           }),
      text("data.label", &TrainConfig::label),
      text("data.header", &TrainConfig::header,
           [](const std::string& k, const std::string& v) { return choice(k, v, {"auto", "yes", "no"}); }),
      text("data.delimiter", &TrainConfig::delimiter,
           [](const std::string& k, const std::string& v) {
             return choice(k, v, {"auto", ",", ";", "tab", "space"});
           }),
      text("data.task", &TrainConfig::task,
           [](const std::string& k, const std::string& v) {
             return choice(k, v, {"auto", "classification", "regression"});
           }),
      real("data.test_fraction", &TrainConfig::test_fraction, 0.0, 0.95),
      real("data.validation_fraction", &TrainConfig::validation_fraction, 0.0, 0.9),
      integer("data.train_limit", &TrainConfig::train_limit, 0, 1'000'000'000),
      text("data.scale", &TrainConfig::scale,
           [](const std::string& k, const std::string& v) {
             return choice(k, v, {"auto", "standard", "minmax", "none"});
           }),
      integer("data.arem_classes", &TrainConfig::arem_classes, 6, 7),
      integer("data.samples", &TrainConfig::samples, 0, 100'000'000),
      {"model.layers", Kind::kList,
       [](TrainConfig& c, const std::string& v) {
         // "50,50,50"; an empty list or "none" means no hidden layer (a perceptron).
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
       [](const TrainConfig& c) { return fmt::format("{}", fmt::join(c.layers, ",")); }},
      text("model.activation", &TrainConfig::activation,
           [](const std::string& k, const std::string& v) {
             return choice(k, v, {"sigmoid", "tanh", "relu", "leaky_relu", "identity"});
           }),
      real("model.alpha", &TrainConfig::alpha, 0.0, 0.999),
      text("model.init", &TrainConfig::init,
           [](const std::string&, const std::string& v) {
             InitScheme::parse(v);
             return v;
           }),
      boolean("model.batch_norm", &TrainConfig::batch_norm),
      real("model.dropout", &TrainConfig::dropout, 0.0, 0.99),
      text("train.optimizer", &TrainConfig::optimizer),
      real("train.lr", &TrainConfig::lr, 0.0, 1e6),
      integer("train.epochs", &TrainConfig::epochs, 1, 10'000'000),
      integer("train.batch_size", &TrainConfig::batch_size, 1, 100'000'000),
      real("train.weight_decay", &TrainConfig::weight_decay, 0.0, 1e6),
      real("train.momentum", &TrainConfig::momentum, 0.0, 0.9999),
      real("train.beta1", &TrainConfig::beta1, 0.0, 0.9999),
      real("train.beta2", &TrainConfig::beta2, 0.0, 0.999999),
      {"train.seed", Kind::kInt,
       [](TrainConfig& c, const std::string& v) {
         const long long x = parse_int("train.seed", v);
         if (x < 0) throw_usage("train.seed: must be zero or positive, got {}", v);
         c.seed = static_cast<std::uint64_t>(x);
       },
       [](const TrainConfig& c) { return std::to_string(c.seed); }},
      integer("train.threads", &TrainConfig::threads, 1, 256),
      text("train.lr_schedule", &TrainConfig::lr_schedule,
           [](const std::string&, const std::string& v) {
             LrSchedule::parse(v, 1.0, 1);
             return v;
           }),
      integer("train.early_stopping", &TrainConfig::early_stopping, 0, 1'000'000),
      text("train.monitor", &TrainConfig::monitor,
           [](const std::string& k, const std::string& v) {
             return choice(k, v, {"val_loss", "val_accuracy"});
           }),
      real("train.min_delta", &TrainConfig::min_delta, 0.0, 1e9),
      real("train.loss_tolerance", &TrainConfig::loss_tolerance, 0.0, 1e9),
      boolean("train.evaluate_test", &TrainConfig::evaluate_test),
      text("output.dir", &TrainConfig::out),
      integer("output.log_every", &TrainConfig::log_every, 0, 10'000'000),
      integer("output.checkpoint_every", &TrainConfig::checkpoint_every, 0, 10'000'000),
  };
  return table;
}

const Setting& find(const std::string& key) {
  const auto& table = settings();
  for (const auto& s : table)
    if (key == s.key) return s;
  // A bare name ("lr") matches "train.lr" when unique.
  const Setting* match = nullptr;
  for (const auto& s : table) {
    const std::string full = s.key;
    if (full.substr(full.find('.') + 1) == key) {
      if (match) throw_usage("setting '{}' is ambiguous: write the section too", key);
      match = &s;
    }
  }
  if (match) return *match;
  throw_usage("unknown setting '{}' (known: {})", key, fmt::join(TrainConfig::keys(), ", "));
}

// The text form of a TOML value, as `set` accepts it.
std::string node_text(const toml::node& node, const std::string& key) {
  if (auto s = node.as_string()) return unshield_toml(s->get());
  if (auto i = node.as_integer()) return std::to_string(i->get());
  if (auto f = node.as_floating_point()) return number_text(f->get());
  if (auto b = node.as_boolean()) return b->get() ? "true" : "false";
  if (auto a = node.as_array()) {
    std::vector<std::string> items;
    for (const auto& item : *a) {
      if (item.is_array() || item.is_table()) throw_usage("{}: nested arrays are not allowed", key);
      items.push_back(node_text(item, key));
    }
    return fmt::format("{}", fmt::join(items, ","));
  }
  throw_usage("{}: unsupported value type", key);
}

// `text` as a TOML basic string: quotes, backslashes and control characters
// escaped, so that any value (a label with a newline) reads back the same.
std::string toml_string(std::string_view text) {
  std::string quoted = "\"";
  for (const char ch : text) {
    const auto byte = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      quoted += '\\';
      quoted += ch;
    } else if (byte < 0x20 || byte == 0x7F) {
      quoted += fmt::format("\\u{:04X}", byte);
    } else {
      quoted += ch;
    }
  }
  return quoted + "\"";
}

// `key` bare when it can be ([A-Za-z0-9_-]+), quoted otherwise.
std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && std::all_of(key.begin(), key.end(), [](char ch) {
    return std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-';
  });
  return bare ? std::string(key) : toml_string(key);
}

std::string toml_value(const Setting& s, const TrainConfig& c) {
  const std::string v = s.get(c);
  switch (s.kind) {
    case Kind::kString: return toml_string(v);
    case Kind::kList: return "[" + std::string(v.empty() ? "" : v) + "]";
    default: return v;
  }
}

// [[layer]] tables: type = "...", numeric settings, and the conveniences
// activation / batch_norm / dropout.
void load_layer_list(TrainConfig& config, const toml::node& node, const std::string& source) {
  const auto* array = node.as_array();
  if (!array || !array->is_array_of_tables())
    throw_usage("{}:{}: 'layer' must be written as [[layer]] tables", source, node.source().begin.line);
  config.layer_list.clear();
  const auto known = registered_layer_types();
  for (const auto& item : *array) {
    const auto& table = *item.as_table();
    const auto line = table.source().begin.line;
    LayerEntry entry;
    try {
      for (const auto& [name, value] : table) {
        const std::string key = unshield_toml(name.str());
        const std::string where = "layer." + key;
        if (key == "type") {
          entry.spec.type = node_text(value, where);
          if (std::find(known.begin(), known.end(), entry.spec.type) == known.end())
            throw_usage("unknown layer type '{}' (known: {})", entry.spec.type, fmt::join(known, ", "));
        } else if (key == "activation") {
          entry.activation = node_text(value, where);
          if (!is_activation(entry.activation) || entry.activation == "softmax")
            throw_usage("layer.activation: '{}' is not one of sigmoid, tanh, relu, leaky_relu, identity",
                        entry.activation);
        } else if (key == "batch_norm") {
          if (!value.is_boolean()) throw_usage("layer.batch_norm must be true or false");
          entry.batch_norm = value.as_boolean()->get();
        } else if (key == "dropout") {
          entry.dropout = parse_double(where, node_text(value, where));
          if (entry.dropout < 0 || entry.dropout >= 1) throw_usage("layer.dropout must be in [0, 1)");
        } else {
          if (!value.is_number()) throw_usage("{}: must be a number", where);
          entry.spec.attrs[key] = parse_double(where, node_text(value, where));
        }
      }
      if (entry.spec.type.empty()) throw_usage("a [[layer]] needs a type, e.g. type = \"dense\"");
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("{}:{}: {}", source, line, e.what()));
    }
    config.layer_list.push_back(std::move(entry));
  }
}

}  // namespace

std::vector<LayerSpec> TrainConfig::network_layers(std::size_t outputs) const {
  if (layer_list.empty())
    return mlp_layers(layers, outputs, MlpOptions{activation, alpha, batch_norm, dropout});
  std::vector<LayerSpec> specs;
  for (const auto& entry : layer_list) {
    specs.push_back(entry.spec);
    if (entry.batch_norm) specs.push_back({"batch_norm", {}});
    if (!entry.activation.empty()) {
      LayerSpec act{entry.activation, {}};
      if (entry.activation == "leaky_relu") act.attrs["alpha"] = alpha;
      specs.push_back(act);
    }
    if (entry.dropout > 0) specs.push_back({"dropout", {{"rate", entry.dropout}}});
  }
  specs.push_back({"dense", {{"units", static_cast<double>(outputs)}}});
  return specs;
}

void TrainConfig::set(const std::string& key, const std::string& value) { find(key).set(*this, value); }

std::string TrainConfig::get(const std::string& key) const { return find(key).get(*this); }

std::vector<std::string> TrainConfig::keys() {
  std::vector<std::string> names;
  for (const auto& s : settings()) names.emplace_back(s.key);
  return names;
}

void TrainConfig::load_toml_text(const std::string& text, const std::string& source,
                                 const std::vector<std::string>& skip) {
  toml::table root;
  try {
    root = toml::parse(shield_toml(text, source), source);
  } catch (const toml::parse_error& e) {
    throw_usage("{}:{}:{}: {}", source, e.source().begin.line, e.source().begin.column,
                unshield_toml(e.description()));
  }
  for (const auto& [section, node] : root) {
    const std::string section_name = unshield_toml(section.str());
    if (std::find(skip.begin(), skip.end(), section_name) != skip.end()) continue;
    if (section_name == "layer") {
      load_layer_list(*this, node, source);
      continue;
    }
    const auto* table = node.as_table();
    if (!table)
      throw_usage("{}:{}: '{}' must be a section ([data], [model], [train], [output])", source,
                  node.source().begin.line, section_name);
    for (const auto& [name, value] : *table) {
      const std::string key = section_name + "." + unshield_toml(name.str());
      try {
        const Setting* setting = nullptr;
        for (const auto& s : settings())
          if (key == s.key) setting = &s;
        if (!setting)
          throw_usage("unknown key '{}' (known: {})", key, fmt::join(TrainConfig::keys(), ", "));
        setting->set(*this, node_text(value, key));
      } catch (const Error& e) {
        throw Error(e.kind(), fmt::format("{}:{}: {}", source, value.source().begin.line, e.what()));
      }
    }
  }
}

void TrainConfig::load_toml_file(const std::string& path, const std::vector<std::string>& skip) {
  std::string text;
  {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) throw_usage("cannot open config file '{}'", path);
    char buf[65536];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
  }
  load_toml_text(text, path, skip);
}

std::string TrainConfig::to_toml() const {
  std::string doc = "# scratchnet training configuration (every resolved setting)\n";
  std::string section;
  for (const auto& s : settings()) {
    const std::string key = s.key;
    const std::string sec = key.substr(0, key.find('.'));
    if (sec != section) {
      doc += fmt::format("{}[{}]\n", section.empty() ? "" : "\n", sec);
      section = sec;
    }
    doc += fmt::format("{} = {}\n", key.substr(key.find('.') + 1), toml_value(s, *this));
  }
  for (const auto& entry : layer_list) {
    doc += fmt::format("\n[[layer]]\ntype = \"{}\"\n", entry.spec.type);
    for (const auto& [k, v] : entry.spec.attrs)
      doc += fmt::format("{} = {}\n", toml_key(k), number_text(v));
    if (entry.batch_norm) doc += "batch_norm = true\n";
    if (!entry.activation.empty()) doc += fmt::format("activation = \"{}\"\n", entry.activation);
    if (entry.dropout > 0) doc += fmt::format("dropout = {}\n", number_text(entry.dropout));
  }
  return doc;
}

}  // namespace scratchnet
