#include "scratchnet/layers/registry.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/avg_pool2d.h"
#include "scratchnet/layers/batch_norm.h"
#include "scratchnet/layers/conv2d.h"
#include "scratchnet/layers/dense.h"
#include "scratchnet/layers/dropout.h"
#include "scratchnet/layers/elu.h"
#include "scratchnet/layers/flatten.h"
#include "scratchnet/layers/gelu.h"
#include "scratchnet/layers/global_avg_pool2d.h"
#include "scratchnet/layers/identity.h"
#include "scratchnet/layers/leaky_relu.h"
#include "scratchnet/layers/max_pool2d.h"
#include "scratchnet/layers/relu.h"
#include "scratchnet/layers/residual.h"
#include "scratchnet/layers/sigmoid.h"
#include "scratchnet/layers/silu.h"
#include "scratchnet/layers/softmax.h"
#include "scratchnet/layers/softplus.h"
#include "scratchnet/layers/tanh.h"

namespace scratchnet {

const std::vector<const LayerType*>& layer_types() {
  // The registry: one line per layer type.
  static const std::vector<const LayerType*> types = {
      &dense_layer_type(),
      &batch_norm_layer_type(),
      &dropout_layer_type(),
      &conv2d_layer_type(),
      &max_pool2d_layer_type(),
      &avg_pool2d_layer_type(),
      &flatten_layer_type(),
      &residual_layer_type(),
      &sigmoid_layer_type(),
      &tanh_layer_type(),
      &relu_layer_type(),
      &leaky_relu_layer_type(),
      &identity_layer_type(),
      &softmax_layer_type(),
      &gelu_layer_type(),
      &elu_layer_type(),
      &silu_layer_type(),
      &softplus_layer_type(),
      &global_avg_pool2d_layer_type(),
  };
  return types;
}

const LayerType* find_layer_type(std::string_view name) {
  for (const LayerType* type : layer_types())
    if (name == type->name) return type;
  return nullptr;
}

const LayerType& layer_type(std::string_view name) {
  if (const LayerType* type = find_layer_type(name)) return *type;
  throw_usage("unknown layer type '{}' (known: {})", name, fmt::join(registered_layer_types(), ", "));
}

std::vector<std::string> registered_layer_types() {
  std::vector<std::string> names;
  for (const LayerType* type : layer_types()) names.emplace_back(type->name);
  return names;
}

namespace {

const AttrSchema* find_attr(const LayerType& type, std::string_view name) {
  for (const AttrSchema& a : type.attrs)
    if (name == a.name) return &a;
  return nullptr;
}

std::string attr_names(const LayerType& type) {
  if (type.attrs.empty()) return "it takes none";
  std::vector<std::string> names;
  for (const AttrSchema& a : type.attrs) names.emplace_back(a.name);
  return fmt::format("it takes {}", fmt::join(names, ", "));
}

}  // namespace

void validate_layer_spec(const LayerSpec& spec) {
  const LayerType& type = layer_type(spec.type);
  for (const auto& [name, value] : spec.attrs) {
    const AttrSchema* a = find_attr(type, name);
    if (!a) throw_usage("{} layer: unknown setting '{}' ({})", type.name, name, attr_names(type));
    if (!a->accepts(value))
      throw_usage("{} layer: {} must be {}, got {:g}", type.name, name, a->range(), value);
  }
  for (const AttrSchema& a : type.attrs)
    if (!a.default_value && !a.default_from && !spec.attrs.contains(a.name))
      throw_usage("{} layer: the setting '{}' is required ({})", type.name, a.name, a.help);
}

double layer_attr(const LayerSpec& spec, const char* name) {
  const auto given = spec.attrs.find(name);
  if (given != spec.attrs.end()) return given->second;
  const AttrSchema* a = find_attr(layer_type(spec.type), name);
  SCRATCHNET_CHECK(a != nullptr, "{} has no attribute {}", spec.type, name);
  if (a->default_value) return *a->default_value;
  SCRATCHNET_CHECK(a->default_from != nullptr, "{}.{} is required but missing", spec.type, name);
  return layer_attr(spec, a->default_from);
}

LayerPlan plan_layer(const LayerSpec& spec, const Shape& input) {
  validate_layer_spec(spec);
  if (input.rank() == 0 || input.elements() == 0)
    throw_usage("{} layer: the input shape {} is empty", spec.type, input.str());
  return layer_type(spec.type).plan(spec, input);
}

template <class T>
std::unique_ptr<Layer<T>> make_layer(const LayerSpec& spec, const Shape& input) {
  validate_layer_spec(spec);
  return layer_type(spec.type).factory<T>()(input, spec);
}

std::vector<std::string> activation_names() {
  std::vector<std::string> names;
  for (const LayerType* type : layer_types())
    if (type->activation) names.emplace_back(type->name);
  return names;
}

bool is_activation(std::string_view type) {
  const LayerType* t = find_layer_type(type);
  return t != nullptr && t->activation;
}

void check_activation(const std::string& key, const std::string& name) {
  if (!is_activation(name))
    throw_usage("{}: '{}' is not an activation (choices: {})", key, name, fmt::join(activation_names(), ", "));
}

InitScheme auto_init_before(std::string_view next) {
  const LayerType* t = find_layer_type(next);
  return InitScheme::for_family(t != nullptr ? t->init_family : InitFamily::kXavier);
}

template std::unique_ptr<Layer<float>> make_layer<float>(const LayerSpec&, const Shape&);
template std::unique_ptr<Layer<double>> make_layer<double>(const LayerSpec&, const Shape&);

}  // namespace scratchnet
