#pragma once
// The layer interface every building block of a network implements.
//
// A layer maps a batch x of shape (N, input sample shape) to y of shape
// (N, output sample shape). The mental model is that of "Deep Learning from
// Scratch" (common/layers.py): forward keeps what backward needs; backward
// takes dL/dy and returns dL/dx.
//
// Contract, for every layer:
//   forward(x, mode)
//     requires: x.shape() == input_shape().with_batch(N) for some N >= 1, and
//               x stays alive and unchanged until the matching backward.
//     ensures:  returns y (owned by the layer, valid until the next forward);
//               x is not modified. A train-mode forward may update buffers
//               (batch-norm running statistics); an eval-mode forward changes
//               no state.
//   backward(grad_y)
//     requires: the last call was forward(x, mode) with grad_y.shape() == y.shape();
//               backward differentiates that forward, in its mode.
//     ensures:  returns dL/dx (owned by the layer) and ADDS dL/dparam into each
//               parameter's gradient (callers zero gradients between steps).
//   params()   the (value, gradient) pairs an optimizer updates; stable pointers.
//   buffers()  state that is saved with the model but not trained (batch-norm
//              running statistics); stable pointers.
//   reseed(s)  restarts the layer's own random stream (dropout masks) from s;
//              two forwards after the same reseed draw the same randomness.
//   set_input_gradient(false)
//              nobody will read dL/dx (the network's layers before the first
//              one with parameters): backward may skip computing it and
//              return an empty tensor. Parameter gradients are unaffected.
//   spec()     the description that rebuilds this layer (type + attributes).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/param.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/init/initializer.h"

namespace scratchnet {

enum class Mode { kTrain, kEval };

// A layer's type name and numeric attributes, e.g. {"dense", {{"units", 50}}}.
struct SCRATCHNET_API LayerSpec {
  std::string type;
  std::map<std::string, double> attrs;

  // The attribute `key`, or `fallback` when absent.
  double get(const std::string& key, double fallback) const;
  // The attribute `key`; throws a usage error naming the layer when absent.
  double require(const std::string& key) const;
  std::string str() const;
  friend bool operator==(const LayerSpec&, const LayerSpec&) = default;
};

template <class T>
class SCRATCHNET_API Layer {
 public:
  using value_type = T;
  Layer() = default;
  Layer(const Layer&) = delete;
  Layer& operator=(const Layer&) = delete;
  virtual ~Layer() = default;

  virtual const LayerSpec& spec() const = 0;
  virtual const Shape& input_shape() const = 0;
  virtual const Shape& output_shape() const = 0;
  virtual const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) = 0;
  virtual const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) = 0;
  virtual std::vector<Param<T>> params() { return {}; }
  virtual std::vector<Buffer<T>> buffers() { return {}; }
  // Draws initial parameter values; layers without parameters ignore it.
  virtual void initialize(const InitScheme& /*scheme*/, Rng& /*rng*/) {}
  virtual void reseed(std::uint64_t /*seed*/) {}
  virtual void set_input_gradient(bool /*needed*/) {}
};

// Holds the spec and shapes that every concrete layer has.
template <class T>
class SCRATCHNET_API LayerBase : public Layer<T> {
 public:
  LayerBase(LayerSpec spec, Shape input, Shape output)
      : spec_(std::move(spec)), input_(input), output_(output) {}
  const LayerSpec& spec() const override { return spec_; }
  const Shape& input_shape() const override { return input_; }
  const Shape& output_shape() const override { return output_; }

 protected:
  LayerSpec spec_;
  Shape input_;
  Shape output_;
};

}  // namespace scratchnet
