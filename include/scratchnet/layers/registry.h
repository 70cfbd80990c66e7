#pragma once
// The layer registry: every layer type by name. Networks are built from
// LayerSpecs (config files, model files) through make_layer; the gradient
// checker iterates registered_layer_types() so a layer missing from its table
// fails a test. Adding a layer type adds one line to registry.cpp.

#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/layer.h"

namespace scratchnet {

// Builds the layer described by `spec` for inputs of sample shape `input`.
// Throws a usage error naming the known types when spec.type is unknown, or
// the layer's own error when an attribute or the input shape is invalid.
template <class T>
std::unique_ptr<Layer<T>> make_layer(const LayerSpec& spec, const Shape& input);

std::vector<std::string> registered_layer_types();
// Whether `type` names a parameter-free elementwise activation
// (sigmoid, tanh, relu, leaky_relu, identity) or softmax.
bool is_activation(const std::string& type);

}  // namespace scratchnet
