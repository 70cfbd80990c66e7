#pragma once
// Network<T>: a sequence of layers defined at run time (from a config or a
// model file), the "MultiLayerNet" of the book.
//
// The network owns its layers and passes each layer's output to the next;
// backward runs the layers in reverse, so every layer gets the input it saw
// in forward. Layers up to the first one with parameters are told that
// nobody reads their input gradient (Layer::set_input_gradient), so the
// first dense or convolution layer skips that product. Parameters are listed
// layer by layer, in a fixed order that the optimizer state and model files
// rely on.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet {

// What a network is made of: the sample shape it takes and its layers.
struct SCRATCHNET_API Architecture {
  Shape input_shape;
  std::vector<LayerSpec> layers;
  friend bool operator==(const Architecture&, const Architecture&) = default;
};

// The layers of a multi-layer perceptron: for each hidden size dense(h),
// then batch_norm when `batch_norm` (after the affine map, before the
// activation, as Ioffe & Szegedy place it), the activation, and dropout(p)
// when `dropout` > 0; finally dense(outputs). `alpha`, when set, is the
// activation's alpha (leaky_relu's slope); activations without one ignore it.
struct SCRATCHNET_API MlpOptions {
  std::string activation = "relu";
  std::optional<double> alpha;
  bool batch_norm = false;
  double dropout = 0;
};
// The activation layer `activation` with `alpha` when it takes an alpha; a
// usage error naming the choices when it is not an activation.
SCRATCHNET_API LayerSpec activation_layer(const std::string& activation,
                                          const std::optional<double>& alpha);
SCRATCHNET_API std::vector<LayerSpec> mlp_layers(const std::vector<std::size_t>& hidden,
                                                 std::size_t outputs, const MlpOptions& options);
// The short form: activation only.
SCRATCHNET_API std::vector<LayerSpec> mlp_layers(const std::vector<std::size_t>& hidden,
                                                 const std::string& activation, std::size_t outputs,
                                                 double alpha = 0.01);

template <class T>
class SCRATCHNET_API Network {
 public:
  explicit Network(const Architecture& architecture);
  Network(const Network&) = delete;
  Network& operator=(const Network&) = delete;

  // Draws initial weights. Scheme `auto` picks, for each layer with weights,
  // the family the registry gives the next layer's type (He before the ReLU
  // family, Xavier otherwise); layers that resolve it themselves (residual
  // blocks: He for their convolutions) get `auto` as it is.
  void initialize(const InitScheme& scheme, Rng& rng);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode);
  // Back-propagates dL/d(output) through every layer (adds into gradients).
  void backward(const BasicTensor<T>& grad_output);
  void zero_grad();

  const std::vector<Param<T>>& params() const { return params_; }
  // Saved-but-not-trained state of every layer (batch-norm running statistics).
  const std::vector<Buffer<T>>& buffers() const { return buffers_; }
  // A copy of every parameter and buffer, and its restoration (best weights
  // for early stopping, the last good weights on divergence).
  std::vector<BasicTensor<T>> snapshot() const;
  void restore(const std::vector<BasicTensor<T>>& snapshot);
  // What layer i output in the last forward (per-layer diagnostics); valid
  // until the next forward. Requires a forward since construction.
  const BasicTensor<T>& layer_output(std::size_t i) const;
  // The first layer whose output in the last forward holds a NaN or infinity,
  // or -1 when all are finite. For diagnosing divergence.
  int first_non_finite_layer() const;
  // Restarts the random streams of layers that draw randomness (dropout).
  void reseed(std::uint64_t seed);
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
  std::vector<Buffer<T>> buffers_;
  std::vector<const BasicTensor<T>*> outputs_;  // each layer's last output
  std::size_t first_trained_ = 0;  // the first layer with parameters: backward stops there
};

}  // namespace scratchnet
