#include "scratchnet/layers/layer.h"

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {

double LayerSpec::get(const std::string& key, double fallback) const {
  auto it = attrs.find(key);
  return it == attrs.end() ? fallback : it->second;
}

double LayerSpec::require(const std::string& key) const {
  auto it = attrs.find(key);
  if (it == attrs.end()) throw_usage("layer '{}' needs the setting '{}'", type, key);
  return it->second;
}

std::string LayerSpec::str() const {
  std::string s = type;
  if (!attrs.empty()) {
    s += "(";
    bool first = true;
    for (const auto& [k, v] : attrs) {
      if (!first) s += ", ";
      first = false;
      s += fmt::format("{}={:g}", k, v);
    }
    s += ")";
  }
  return s;
}

}  // namespace scratchnet
