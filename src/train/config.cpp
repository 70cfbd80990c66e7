#include "scratchnet/train/config.h"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include "config_keys.h"
#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/network.h"
#include "toml_shield.h"

namespace scratchnet {
namespace {

using config_detail::find_setting;
using config_detail::Kind;
using config_detail::number_text;
using config_detail::parse_double;
using config_detail::Setting;
using config_detail::settings;

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

std::string toml_value(const Setting& s, const std::string& v) {
  switch (s.kind) {
    case Kind::kString: return toml_string(v);
    case Kind::kList: return "[" + std::string(v.empty() ? "" : v) + "]";
    case Kind::kStringList: {
      std::vector<std::string> quoted;
      for (const auto& item : config_detail::split_list(v)) quoted.push_back(toml_string(item));
      return fmt::format("[{}]", fmt::join(quoted, ", "));
    }
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
          layer_type(entry.spec.type);  // a usage error naming the known types
        } else if (key == "activation") {
          entry.activation = node_text(value, where);
          check_activation("layer.activation", entry.activation);
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
      validate_layer_spec(entry.spec);  // settings known and in range, required ones given
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("{}:{}: {}", source, line, e.what()));
    }
    config.layer_list.push_back(std::move(entry));
  }
}

}  // namespace

std::string to_string(ScaleChoice scale) {
  switch (scale) {
    case ScaleChoice::kAuto: return "auto";
    case ScaleChoice::kStandard: return "standard";
    case ScaleChoice::kMinMax: return "minmax";
    case ScaleChoice::kNone: return "none";
  }
  return "?";
}

std::string to_string(Monitor monitor) {
  return monitor == Monitor::kValAccuracy ? "val_accuracy" : "val_loss";
}

std::vector<LayerSpec> TrainConfig::network_layers(std::size_t outputs) const {
  if (layer_list.empty()) return mlp_layers(layers, outputs, MlpOptions{activation, alpha, batch_norm, dropout});
  std::vector<LayerSpec> specs;
  for (const auto& entry : layer_list) {
    specs.push_back(entry.spec);
    if (entry.batch_norm) specs.push_back({"batch_norm", {}});
    if (!entry.activation.empty()) specs.push_back(activation_layer(entry.activation, alpha));
    if (entry.dropout > 0) specs.push_back({"dropout", {{"rate", entry.dropout}}});
  }
  specs.push_back({"dense", {{"units", static_cast<double>(outputs)}}});
  return specs;
}

void TrainConfig::set(const std::string& key, const std::string& value) { find_setting(key).set(*this, value); }

std::string TrainConfig::get(const std::string& key) const { return find_setting(key).get(*this); }

std::vector<std::string> TrainConfig::keys() {
  std::vector<std::string> names;
  for (const auto& s : settings()) names.push_back(s.key);
  return names;
}

std::string TrainConfig::help(const std::string& key) { return find_setting(key).help; }

void TrainConfig::load_toml_text(const std::string& text, const std::string& source,
                                 const std::vector<std::string>& skip) {
  const toml::table root = parse_shielded_toml(text, source);
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
  std::string doc = "# scratchnet training configuration (every setting the run used)\n";
  std::string section;
  for (const auto& s : settings()) {
    const std::string v = s.get(*this);
    // Unset optional numbers (the rate before resolution, hyper-parameters
    // another optimizer uses) are left out.
    if (v.empty() && s.kind != Kind::kString && s.kind != Kind::kList && s.kind != Kind::kStringList) continue;
    const std::string sec = s.key.substr(0, s.key.find('.'));
    if (sec != section) {
      doc += fmt::format("{}[{}]\n", section.empty() ? "" : "\n", sec);
      section = sec;
    }
    doc += fmt::format("{} = {}\n", s.key.substr(s.key.find('.') + 1), toml_value(s, v));
  }
  for (const auto& entry : layer_list) {
    doc += fmt::format("\n[[layer]]\ntype = \"{}\"\n", entry.spec.type);
    for (const auto& [k, v] : entry.spec.attrs) doc += fmt::format("{} = {}\n", toml_key(k), number_text(v));
    if (entry.batch_norm) doc += "batch_norm = true\n";
    if (!entry.activation.empty()) doc += fmt::format("activation = \"{}\"\n", entry.activation);
    if (entry.dropout > 0) doc += fmt::format("dropout = {}\n", number_text(entry.dropout));
  }
  return doc;
}

TrainConfig TrainConfig::resolved(bool image_data, int parallel_jobs) const {
  TrainConfig r = *this;
  const OptimizerType& type = optimizer_type(optimizer);
  if (!r.lr) r.lr = type.default_lr;
  for (const HyperParameter& h : type.hyper) r.hyper.emplace(h.name, h.default_value);
  if (r.scale == ScaleChoice::kAuto)
    r.scale = image_data ? ScaleChoice::kNone : ScaleChoice::kStandard;
  if (r.threads == 0) r.threads = default_thread_count(parallel_jobs);
  r.validation_fraction = effective_validation_fraction();
  return r;
}

double TrainConfig::effective_validation_fraction() const {
  return (early_stopping > 0 || !stop_at.empty()) && validation_fraction == 0 ? 0.1 : validation_fraction;
}

ScalerKind TrainConfig::scaler_kind() const {
  switch (scale) {
    case ScaleChoice::kStandard: return ScalerKind::kStandard;
    case ScaleChoice::kMinMax: return ScalerKind::kMinMax;
    case ScaleChoice::kNone: return ScalerKind::kNone;
    case ScaleChoice::kAuto: break;
  }
  throw_internal("data.scale 'auto' must be resolved (TrainConfig::resolved) before use");
}

}  // namespace scratchnet
