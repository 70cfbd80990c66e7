#pragma once
// The layer registry: every layer type by name (layers/registry.cpp lists
// each type's LayerType, defined in the layer's own file pair). Everything
// that needs to know about layer types asks here: networks and the model
// loader build and size layers, the config validates [[layer]] tables and
// activation names, `--help` lists the choices, init "auto" picks a family,
// and the gradient checker iterates every registered type (a layer missing
// from its table fails a test).
//
// Adding a layer type: its file pair (the class and its LayerType), one line
// in registry.cpp, one case in tests/layers/layer_contract_test.cpp.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

// Every layer type, in the order of `--help`.
SCRATCHNET_API const std::vector<const LayerType*>& layer_types();
// The type called `name`, or null.
SCRATCHNET_API const LayerType* find_layer_type(std::string_view name);
// The type called `name`; a usage error naming the known types otherwise.
SCRATCHNET_API const LayerType& layer_type(std::string_view name);
SCRATCHNET_API std::vector<std::string> registered_layer_types();

// Checks `spec` against its type's schema: a known type, known attributes,
// integers where integers are due, every value in range, required ones
// present. Usage errors name the layer type, the attribute and its range.
SCRATCHNET_API void validate_layer_spec(const LayerSpec& spec);
// The value of attribute `name` of a validated spec: as given, else its
// default (or the value of the attribute it defaults to).
SCRATCHNET_API double layer_attr(const LayerSpec& spec, const char* name);
// The output shape and stored values of the layer `spec` over `input`,
// without building it: validate_layer_spec, then the type's planner.
SCRATCHNET_API LayerPlan plan_layer(const LayerSpec& spec, const Shape& input);

// Builds the layer described by `spec` for inputs of sample shape `input`.
// Throws a usage error naming the known types when spec.type is unknown, or
// the layer's own error when an attribute or the input shape is invalid.
template <class T>
SCRATCHNET_API std::unique_ptr<Layer<T>> make_layer(const LayerSpec& spec, const Shape& input);

// The types that can be named as an activation, and the check.
SCRATCHNET_API std::vector<std::string> activation_names();
SCRATCHNET_API bool is_activation(std::string_view type);
// A usage error naming `key` and the choices unless `name` is an activation.
SCRATCHNET_API void check_activation(const std::string& key, const std::string& name);

// What init "auto" draws for the weights of a layer followed by a layer of
// type `next` (He before the ReLU family, Xavier otherwise).
SCRATCHNET_API InitScheme auto_init_before(std::string_view next);

}  // namespace scratchnet
