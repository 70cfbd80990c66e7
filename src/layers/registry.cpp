#include "scratchnet/layers/registry.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/avg_pool2d.h"
#include "scratchnet/layers/batch_norm.h"
#include "scratchnet/layers/conv2d.h"
#include "scratchnet/layers/dense.h"
#include "scratchnet/layers/dropout.h"
#include "scratchnet/layers/flatten.h"
#include "scratchnet/layers/identity.h"
#include "scratchnet/layers/leaky_relu.h"
#include "scratchnet/layers/max_pool2d.h"
#include "scratchnet/layers/relu.h"
#include "scratchnet/layers/residual.h"
#include "scratchnet/layers/sigmoid.h"
#include "scratchnet/layers/softmax.h"
#include "scratchnet/layers/tanh.h"

namespace scratchnet {
namespace {

template <class T>
using Factory = std::unique_ptr<Layer<T>> (*)(const LayerSpec&, const Shape&);

template <class L, class T>
std::unique_ptr<Layer<T>> construct(const LayerSpec& spec, const Shape& input) {
  return std::make_unique<L>(input, spec);
}

template <class T>
struct Entry {
  const char* type;
  Factory<T> make;
  bool activation;
};

template <class T>
const std::vector<Entry<T>>& table() {
  static const std::vector<Entry<T>> entries = {
      {"dense", &construct<Dense<T>, T>, false},
      {"batch_norm", &construct<BatchNorm<T>, T>, false},
      {"dropout", &construct<Dropout<T>, T>, false},
      {"conv2d", &construct<Conv2D<T>, T>, false},
      {"max_pool2d", &construct<MaxPool2D<T>, T>, false},
      {"avg_pool2d", &construct<AvgPool2D<T>, T>, false},
      {"flatten", &construct<Flatten<T>, T>, false},
      {"residual", &construct<Residual<T>, T>, false},
      {"sigmoid", &construct<Sigmoid<T>, T>, true},
      {"tanh", &construct<Tanh<T>, T>, true},
      {"relu", &construct<Relu<T>, T>, true},
      {"leaky_relu", &construct<LeakyRelu<T>, T>, true},
      {"identity", &construct<Identity<T>, T>, true},
      {"softmax", &construct<Softmax<T>, T>, true},
  };
  return entries;
}

}  // namespace

template <class T>
std::unique_ptr<Layer<T>> make_layer(const LayerSpec& spec, const Shape& input) {
  for (const auto& entry : table<T>())
    if (spec.type == entry.type) return entry.make(spec, input);
  throw_usage("unknown layer type '{}' (known: {})", spec.type,
              fmt::join(registered_layer_types(), ", "));
}

std::vector<std::string> registered_layer_types() {
  std::vector<std::string> types;
  for (const auto& entry : table<float>()) types.emplace_back(entry.type);
  return types;
}

bool is_activation(const std::string& type) {
  const auto& entries = table<float>();
  return std::any_of(entries.begin(), entries.end(),
                     [&](const auto& e) { return e.activation && type == e.type; });
}

template std::unique_ptr<Layer<float>> make_layer<float>(const LayerSpec&, const Shape&);
template std::unique_ptr<Layer<double>> make_layer<double>(const LayerSpec&, const Shape&);

}  // namespace scratchnet
