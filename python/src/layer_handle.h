#pragma once
// LayerHandle: one library layer as Python's scratchnet.layers classes hold
// it (their `_impl`). A handle is either standalone -- it owns its layer,
// built for the sample shape of the inputs it has seen -- or borrowed: the
// layer belongs to a model's network, which the handle keeps alive.
//
// Standalone layers learn the sample shape at their first forward: a layer
// is built at construction for the smallest sample its settings allow (so
// that its parameters exist with their final shapes) and rebuilt when a
// forward brings another shape. A rebuild (and the adoption of the layer by
// a model, adopt()) moves the parameter and buffer memory into the new layer
// (the tensors are swapped, not copied), so numpy views of the parameters
// stay valid and keep changing the layer. A shape that would change a
// parameter's shape (Dense(64, 10) fed 32 features) is a ValueError.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "bindings.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet::python {

class LayerHandle final : public ParamSource {
 public:
  // A standalone layer; built now for `build_shape` when given. `init`
  // (InitScheme::parse) and `seed` draw its initial weights.
  LayerHandle(LayerSpec spec, std::optional<Shape> build_shape, std::string init, std::uint64_t seed);

  const LayerSpec& spec() const { return spec_; }
  Layer<float>* layer() { return layer_; }
  bool borrowed() const { return static_cast<bool>(owner_); }
  const std::string& init() const { return init_; }
  std::uint64_t seed() const { return seed_; }

  // Builds the layer for samples of shape `sample` (see the header block).
  void build(const Shape& sample);
  py::array_t<float> forward(py::handle x, bool train);
  // dL/dx, or None when the layer does not compute it (a network's first layers).
  py::object backward(py::handle dy);
  void zero_grad();
  // Hands the parameter and buffer memory to `target` (a network's layer of
  // the same spec) and borrows `target` from then on, keeping `owner` alive.
  void adopt(Layer<float>& target, py::object owner);

  std::vector<Param<float>> source_params() override;
  std::vector<py::ssize_t> display_shape(std::size_t index) override;

 private:
  LayerSpec spec_;
  std::string init_;
  std::uint64_t seed_;
  std::unique_ptr<Layer<float>> owned_;
  Layer<float>* layer_ = nullptr;
  py::object owner_;  // null: standalone
  Tensor x_, dy_;     // the last forward's input (the layer reads it in backward), backward's input
  bool forwarded_ = false;
  Shape y_shape_;
};

// A usage error naming the layer unless every parameter and buffer of `from`
// has the shape of the one of `to` (the same spec over another input shape).
void check_layer_tensors(Layer<float>& from, Layer<float>& to);
// Moves the parameter and buffer tensors of `from` into `to`, swapping them
// (check_layer_tensors first).
void move_layer_tensors(Layer<float>& from, Layer<float>& to);

}  // namespace scratchnet::python
