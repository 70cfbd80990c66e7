#include "scratchnet/losses/class_weights.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <string_view>
#include <system_error>

#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/losses/softmax_cross_entropy.h"

namespace scratchnet {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::vector<double> balanced_class_weights(std::span<const std::size_t> counts) {
  double total = 0;
  for (std::size_t c : counts) total += static_cast<double>(c);
  const double classes = static_cast<double>(counts.size());
  std::vector<double> weights(counts.size(), 1.0);
  for (std::size_t c = 0; c < counts.size(); ++c) {
    if (counts[c] > 0) weights[c] = total / (classes * static_cast<double>(counts[c]));
  }
  return weights;
}

std::vector<double> parse_class_weights(const std::string& text,
                                        const std::vector<std::string>& class_names,
                                        std::span<const std::size_t> counts) {
  if (trim(text) == "balanced") {
    if (counts.size() != class_names.size())
      throw_internal("{} class counts for {} classes", counts.size(), class_names.size());
    return balanced_class_weights(counts);
  }
  if (trim(text).empty())
    throw_usage("class weights: expected 'balanced' or NAME=WEIGHT,... (e.g. rare=5)");
  std::vector<double> weights(class_names.size(), 1.0);
  std::vector<bool> given(class_names.size(), false);
  std::string_view rest = text;
  while (true) {
    const std::size_t comma = rest.find(',');
    const std::string_view item = trim(rest.substr(0, comma));
    // The last '=' splits, so a class name may hold one.
    const std::size_t eq = item.rfind('=');
    if (eq == std::string_view::npos)
      throw_usage("class weights: '{}' is not NAME=WEIGHT (or give 'balanced')", item);
    const std::string name(trim(item.substr(0, eq)));
    const std::string_view value = trim(item.substr(eq + 1));
    const auto it = std::find(class_names.begin(), class_names.end(), name);
    if (it == class_names.end())
      throw_usage("class weights: no class '{}'; the classes are {}", name,
                  fmt::join(class_names, ", "));
    const auto c = static_cast<std::size_t>(it - class_names.begin());
    if (given[c]) throw_usage("class weights: class '{}' is given twice", name);
    double w = 0;
    const char* end = value.data() + value.size();
    auto [ptr, ec] = std::from_chars(value.data(), end, w);
    if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(w) || !(w > 0))
      throw_usage("class weights: the weight of '{}' must be a finite number > 0, not '{}'", name,
                  value);
    weights[c] = w;
    given[c] = true;
    if (comma == std::string_view::npos) break;
    rest.remove_prefix(comma + 1);
  }
  return weights;
}

template <class T>
void set_class_weights(Loss<T>& loss, const std::vector<double>& weights) {
  auto* softmax = dynamic_cast<SoftmaxCrossEntropy<T>*>(&loss);
  if (softmax == nullptr)
    throw_usage("class weights apply to classification (softmax_cross_entropy), not to the '{}' "
                "loss",
                loss.type());
  softmax->set_class_weights(std::vector<T>(weights.begin(), weights.end()));
}

template void set_class_weights<float>(Loss<float>&, const std::vector<double>&);
template void set_class_weights<double>(Loss<double>&, const std::vector<double>&);

}  // namespace scratchnet
