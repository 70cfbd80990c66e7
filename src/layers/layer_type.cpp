#include "scratchnet/layers/layer_type.h"

#include <cmath>

#include <fmt/format.h>

namespace scratchnet {

bool AttrSchema::accepts(double value) const {
  if (!std::isfinite(value)) return false;
  if (kind == Kind::kInteger && value != std::floor(value)) return false;
  if (value < min || (min_open && value == min)) return false;
  if (value > max || (max_open && value == max)) return false;
  return true;
}

std::string AttrSchema::range() const {
  if (kind == Kind::kInteger)
    return fmt::format("a {} integer (at most {:.0f})", min >= 1 ? "positive" : "non-negative", max);
  return fmt::format("a number in {}{:g}, {:g}{}", min_open ? "(" : "[", min, max, max_open ? ")" : "]");
}

AttrSchema integer_attr_schema(const char* name, double min, std::optional<double> default_value,
                               const char* help) {
  // 1e8 caps every size a layer takes: a hostile model file cannot ask for more.
  return {name, AttrSchema::Kind::kInteger, min, 1e8, false, false, default_value, nullptr, help};
}

AttrSchema real_attr_schema(const char* name, double min, double max, bool min_open, bool max_open,
                            std::optional<double> default_value, const char* help) {
  return {name, AttrSchema::Kind::kReal, min, max, min_open, max_open, default_value, nullptr, help};
}

LayerPlan same_shape_plan(const LayerSpec& /*spec*/, const Shape& input) { return {input, 0, 0}; }

}  // namespace scratchnet
