#include "scratchnet/init/initializer.h"

#include <charconv>
#include <cmath>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

constexpr const char* kChoices =
    "auto, he (= he_normal), he_uniform, xavier (= xavier_normal), xavier_uniform, normal:STD, "
    "uniform:LIMIT";

double parse_positive(std::string_view text, std::string_view whole) {
  double value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !(value > 0) || !std::isfinite(value))
    throw_usage("init '{}': '{}' is not a positive number", whole, text);
  return value;
}

}  // namespace

InitScheme InitScheme::parse(std::string_view text) {
  if (text == "auto") return {Kind::kAuto};
  if (text == "he" || text == "he_normal") return {Kind::kHeNormal};
  if (text == "he_uniform") return {Kind::kHeUniform};
  if (text == "xavier" || text == "xavier_normal" || text == "glorot") return {Kind::kXavierNormal};
  if (text == "xavier_uniform") return {Kind::kXavierUniform};
  if (text.starts_with("normal:")) return {Kind::kNormal, parse_positive(text.substr(7), text)};
  if (text.starts_with("uniform:")) return {Kind::kUniform, parse_positive(text.substr(8), text)};
  if (text == "normal") return {Kind::kNormal, 0.01};
  throw_usage("unknown init '{}' (choices: {})", text, kChoices);
}

InitScheme InitScheme::for_family(InitFamily family) {
  return {family == InitFamily::kHe ? Kind::kHeNormal : Kind::kXavierNormal};
}

std::string InitScheme::str() const {
  switch (kind_) {
    case Kind::kAuto: return "auto";
    case Kind::kNormal: return fmt::format("normal:{:g}", scale_);
    case Kind::kUniform: return fmt::format("uniform:{:g}", scale_);
    case Kind::kXavierNormal: return "xavier_normal";
    case Kind::kXavierUniform: return "xavier_uniform";
    case Kind::kHeNormal: return "he_normal";
    case Kind::kHeUniform: return "he_uniform";
  }
  return "?";
}

template <class T>
void InitScheme::fill(BasicTensor<T>& weights, std::size_t fan_in, std::size_t fan_out,
                      Rng& rng) const {
  const double in = static_cast<double>(fan_in), out = static_cast<double>(fan_out);
  double std_dev = 0, limit = 0;  // exactly one is used
  switch (kind_) {
    case Kind::kAuto: throw_internal("init 'auto' must be resolved before filling weights");
    case Kind::kNormal: std_dev = scale_; break;
    case Kind::kUniform: limit = scale_; break;
    case Kind::kXavierNormal: std_dev = std::sqrt(2.0 / (in + out)); break;
    case Kind::kXavierUniform: limit = std::sqrt(6.0 / (in + out)); break;
    case Kind::kHeNormal: std_dev = std::sqrt(2.0 / in); break;
    case Kind::kHeUniform: limit = std::sqrt(6.0 / in); break;
  }
  for (auto& w : weights.span())
    w = static_cast<T>(limit > 0 ? rng.uniform(-limit, limit) : std_dev * rng.normal());
}

template void InitScheme::fill<float>(BasicTensor<float>&, std::size_t, std::size_t, Rng&) const;
template void InitScheme::fill<double>(BasicTensor<double>&, std::size_t, std::size_t, Rng&) const;

}  // namespace scratchnet
