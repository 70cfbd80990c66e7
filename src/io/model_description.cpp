#include "scratchnet/io/model_description.h"

#include <cmath>

#include <fmt/format.h>

#include "scratchnet/io/json.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

std::string shape_json(const Shape& shape) {
  std::string s = "[";
  for (int i = 0; i < shape.rank(); ++i) s += fmt::format("{}{}", i ? ", " : "", shape[i]);
  return s + "]";
}

// A number of a layer attribute or a fill value: integers without a fraction.
std::string json_double(double value) {
  if (!std::isfinite(value)) return "null";
  if (value == std::floor(value) && std::fabs(value) < 1e15)
    return fmt::format("{}", static_cast<long long>(value));
  return fmt::format("{}", value);
}

}  // namespace

std::string json_float(float value) {
  return std::isfinite(value) ? fmt::format("{}", value) : "null";
}

std::string json_string_array(const std::vector<std::string>& items) {
  std::string s = "[";
  for (std::size_t i = 0; i < items.size(); ++i) s += (i ? ", " : "") + json_string(items[i]);
  return s + "]";
}

std::string json_float_array(const std::vector<float>& values) {
  std::string s = "[";
  for (std::size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + json_float(values[i]);
  return s + "]";
}

std::string task_name(Task task) {
  return task == Task::kClassification ? "classification" : "regression";
}

std::string architecture_json(const Architecture& architecture) {
  std::string s =
      fmt::format("{{\"input_shape\": {}, \"layers\": [", shape_json(architecture.input_shape));
  for (std::size_t i = 0; i < architecture.layers.size(); ++i) {
    const LayerSpec& spec = architecture.layers[i];
    s += fmt::format("{}{{\"type\": {}", i ? ", " : "", json_string(spec.type));
    // Every attribute of the type, resolved (defaults included).
    for (const AttrSchema& a : layer_type(spec.type).attrs)
      s += fmt::format(", {}: {}", json_string(a.name), json_double(layer_attr(spec, a.name)));
    s += "}";
  }
  return s + "]}";
}

InputPreprocessing input_preprocessing(const Model& model) {
  InputPreprocessing p;
  p.scaler = model.scaler;
  p.encoding = model.tabular ? &*model.tabular : nullptr;
  if (model.image && !model.image->mean.empty()) {
    p.channel_mean = model.image->mean;
    p.channel_std = model.image->std;
  }
  return p;
}

std::string preprocessing_json(const InputPreprocessing& p) {
  const Scaler& scaler = p.scaler;
  std::string s =
      scaler.kind() == ScalerKind::kNone || scaler.offset().empty()
          ? "{\"scaler\": \"none\""
          : fmt::format("{{\"scaler\": {}, \"offset\": {}, \"factor\": {}",
                        json_string(to_string(scaler.kind())), json_float_array(scaler.offset()),
                        json_float_array(scaler.factor()));
  if (!p.channel_mean.empty())
    s += fmt::format(", \"channel_mean\": {}, \"channel_std\": {}",
                     json_float_array(p.channel_mean), json_float_array(p.channel_std));
  return s + "}";
}

std::string tabular_encoding_json(const TabularPipeline& pipeline) {
  std::string s = "{\"columns\": [";
  const auto& columns = pipeline.columns();
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const TabularColumn& c = columns[i];
    s += fmt::format("{}{{\"name\": {}, ", i ? ", " : "", json_string(c.name));
    if (c.kind == TabularColumn::Kind::kNumeric) {
      s += fmt::format("\"kind\": \"numeric\", \"fill\": {}", json_double(c.fill));
    } else {
      const std::string fill =
          c.fill_category < c.categories.size() ? c.categories[c.fill_category] : "";
      s += fmt::format("\"kind\": \"categorical\", \"categories\": {}, \"fill\": {}",
                       json_string_array(c.categories), json_string(fill));
    }
    s += fmt::format(", \"missing_indicator\": {}}}", c.indicator ? "true" : "false");
  }
  return s + fmt::format("], \"impute\": {}, \"features\": {}}}",
                         json_string(to_string(pipeline.impute())),
                         json_string_array(pipeline.output_names()));
}

}  // namespace scratchnet
