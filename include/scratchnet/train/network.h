#pragma once
// Network<T>: a sequence of layers defined at run time (from a config or a
// model file), the "MultiLayerNet" of the book.
//
// The network owns its layers and passes each layer's output to the next;
// backward runs the layers in reverse, so every layer gets the input it saw
// in forward. Parameters are listed layer by layer, in a fixed order that the
// optimizer state and model files rely on.

#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "scratchnet/layers/layer.h"

namespace scratchnet {

// What a network is made of: the sample shape it takes and its layers.
struct Architecture {
  Shape input_shape;
  std::vector<LayerSpec> layers;
  friend bool operator==(const Architecture&, const Architecture&) = default;
};

// The layers of a multi-layer perceptron: dense(h) + activation for each
// hidden size, then dense(outputs). `activation` may carry an alpha for
// leaky_relu via `alpha`.
std::vector<LayerSpec> mlp_layers(const std::vector<std::size_t>& hidden,
                                  const std::string& activation, std::size_t outputs,
                                  double alpha = 0.01);

template <class T>
class Network {
 public:
  explicit Network(const Architecture& architecture);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Draws initial weights. Scheme `auto` picks, for each layer with weights,
  // He when the next layer is relu/leaky_relu and Xavier otherwise.
  void initialize(const InitScheme& scheme, Rng& rng);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode);
  // Back-propagates dL/d(output) through every layer (adds into gradients).
  void backward(const BasicTensor<T>& grad_output);
  void zero_grad();

  const std::vector<Param<T>>& params() const { return params_; }
  std::size_t parameter_count() const;
  const Architecture& architecture() const { return architecture_; }
  const Shape& input_shape() const { return architecture_.input_shape; }
  const Shape& output_shape() const;
  std::size_t size() const { return layers_.size(); }
  Layer<T>& layer(std::size_t i) { return *layers_[i]; }
  const Layer<T>& layer(std::size_t i) const { return *layers_[i]; }
  // A table of layers, output shapes and parameter counts (seed 002 prints one).
  std::string summary() const;

 private:
  Architecture architecture_;
  std::vector<std::unique_ptr<Layer<T>>> layers_;
  std::vector<Param<T>> params_;
};

}  // namespace scratchnet
