#pragma once
// LayerType: everything scratchnet knows about one kind of layer, in one
// place (the layer's own file pair defines it; layers/registry.cpp lists it):
//   - its name and a one-line summary (for --help and error messages);
//   - its attributes: name, integer or real, valid range, default (or
//     required), help -- config files, model files and the Python package
//     are validated against this schema, and errors name the attribute and
//     its range;
//   - its shape planner: the output sample shape and the number of values it
//     stores for a given input shape, computed without allocating anything.
//     The layer's constructor and the model loader (which sizes a hostile
//     file's architecture before building it) call the same planner;
//   - factories for the float and double (gradient checker) layers;
//   - whether it can be named as an `activation` (model.activation,
//     [[layer]] activation = ..., --activation), and the initialiser family
//     that init "auto" gives the weights of a layer followed by it;
//   - the range its outputs take (train/diagnostics.h: which histogram bins,
//     saturation and dead-unit counts apply to it);
//   - whether its training pass couples the samples of a batch.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/init/initializer.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet {

struct SCRATCHNET_API AttrSchema {
  enum class Kind { kInteger, kReal };
  const char* name;
  Kind kind;
  double min, max;
  bool min_open, max_open;
  std::optional<double> default_value;  // empty: the attribute is required...
  const char* default_from;             // ...unless it defaults to another attribute (pool stride = size)
  const char* help;

  bool accepts(double value) const;
  std::string range() const;  // "an integer >= 1", "in [0, 1)"
};

// What a layer makes of an input sample shape. Counts are doubles so that a
// hostile spec cannot overflow them.
struct SCRATCHNET_API LayerPlan {
  Shape output;
  double parameters = 0;     // trained values
  double buffer_values = 0;  // saved, untrained values (batch-norm running statistics)
};

// The values a layer's outputs can take. Per-layer diagnostics bin and judge
// outputs by it: sigmoid saturates near 0 and 1, tanh near -1 and 1, a unit
// of the ReLU family is dead when it outputs 0 for every sample.
enum class OutputRange {
  kUnbounded,      // any real (dense, identity, leaky ReLU, ...)
  kUnit,           // [0, 1] (sigmoid, softmax)
  kSymmetricUnit,  // [-1, 1] (tanh)
  kNonNegative,    // [0, inf) (the ReLU family)
};

template <class T>
using LayerFactory = std::unique_ptr<Layer<T>> (*)(const Shape& input, const LayerSpec& spec);

struct SCRATCHNET_API LayerType {
  const char* name;
  const char* summary;
  std::vector<AttrSchema> attrs;
  // Requires a spec resolved against `attrs` (resolve_layer_spec); throws a
  // usage error when the input shape does not suit the layer.
  LayerPlan (*plan)(const LayerSpec& spec, const Shape& input);
  LayerFactory<float> make_float;
  LayerFactory<double> make_double;
  bool activation = false;
  InitFamily init_family = InitFamily::kXavier;
  // Whether initialize() takes init "auto" as it is and resolves it for its
  // inner layers (residual blocks) instead of getting it resolved from the
  // layer that follows.
  bool resolves_own_init = false;
  OutputRange output_range = OutputRange::kUnbounded;
  // Whether a train-mode pass couples the samples of a batch: statistics
  // over the batch (batch norm, blocks that contain it) or randomness drawn
  // in batch order (dropout). A batch-parallel step (train/batch_parallel.h)
  // runs such a layer once over the whole batch instead of per share.
  bool batch_coupled = false;

  template <class T>
  LayerFactory<T> factory() const {
    if constexpr (std::is_same_v<T, float>)
      return make_float;
    else
      return make_double;
  }
};

// The factory of layer class L (constructed as L(input, spec)).
template <class L>
std::unique_ptr<Layer<typename L::value_type>> construct_layer(const Shape& input, const LayerSpec& spec) {
  return std::make_unique<L>(input, spec);
}

// Attribute-schema shorthands for descriptors.
SCRATCHNET_API AttrSchema integer_attr_schema(const char* name, double min,
                                              std::optional<double> default_value,
                                              const char* help);
SCRATCHNET_API AttrSchema real_attr_schema(const char* name, double min, double max, bool min_open,
                                           bool max_open, std::optional<double> default_value,
                                           const char* help);

// The planner of a layer that keeps its input shape and stores nothing
// (activations, dropout).
SCRATCHNET_API LayerPlan same_shape_plan(const LayerSpec& spec, const Shape& input);

}  // namespace scratchnet
