#include "scratchnet/train/network.h"

#include <cmath>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {

LayerSpec activation_layer(const std::string& activation, const std::optional<double>& alpha) {
  check_activation("activation", activation);
  LayerSpec act{activation, {}};
  if (alpha)
    for (const AttrSchema& a : layer_type(activation).attrs)
      if (std::string(a.name) == "alpha") act.attrs["alpha"] = *alpha;
  return act;
}

std::vector<LayerSpec> mlp_layers(const std::vector<std::size_t>& hidden, std::size_t outputs,
                                  const MlpOptions& options) {
  std::vector<LayerSpec> layers;
  for (std::size_t units : hidden) {
    if (units == 0) throw_usage("hidden layer sizes must be positive");
    layers.push_back({"dense", {{"units", static_cast<double>(units)}}});
    if (options.batch_norm) layers.push_back({"batch_norm", {}});
    layers.push_back(activation_layer(options.activation, options.alpha));
    if (options.dropout > 0) layers.push_back({"dropout", {{"rate", options.dropout}}});
  }
  layers.push_back({"dense", {{"units", static_cast<double>(outputs)}}});
  return layers;
}

std::vector<LayerSpec> mlp_layers(const std::vector<std::size_t>& hidden,
                                  const std::string& activation, std::size_t outputs,
                                  double alpha) {
  return mlp_layers(hidden, outputs, MlpOptions{activation, alpha, false, 0});
}

template <class T>
Network<T>::Network(const Architecture& architecture) : architecture_(architecture) {
  if (architecture.layers.empty()) throw_usage("a network needs at least one layer");
  if (architecture.input_shape.elements() == 0)
    throw_usage("network input shape {} is empty", architecture.input_shape.str());
  Shape shape = architecture.input_shape;
  for (std::size_t i = 0; i < architecture.layers.size(); ++i) {
    try {
      layers_.push_back(make_layer<T>(architecture.layers[i], shape));
    } catch (const Error& e) {
      throw Error(e.kind(), fmt::format("layer {} ({}): {}", i + 1, architecture.layers[i].type,
                                        e.what()));
    }
    shape = layers_.back()->output_shape();
    for (auto& p : layers_.back()->params()) params_.push_back(p);
    for (auto& b : layers_.back()->buffers()) buffers_.push_back(b);
  }
  outputs_.assign(layers_.size(), nullptr);
  // dL/dx is needed only downstream of a layer with parameters: the first
  // such layer (and any before it) skips its input gradient.
  bool needed = false;
  first_trained_ = layers_.size();
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    layers_[i]->set_input_gradient(needed);
    if (!needed && !layers_[i]->params().empty()) first_trained_ = i;
    needed = needed || !layers_[i]->params().empty();
  }
}

template <class T>
void Network<T>::initialize(const InitScheme& scheme, Rng& rng) {
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    InitScheme chosen = scheme;
    // `auto` is resolved from the next layer, except for layers that resolve
    // it themselves (a residual block: its convolutions feed its ReLUs: He).
    if (scheme.kind() == InitScheme::Kind::kAuto && !layer_type(layers_[i]->spec().type).resolves_own_init) {
      const std::string next = i + 1 < layers_.size() ? layers_[i + 1]->spec().type : "identity";
      chosen = auto_init_before(next);
    }
    layers_[i]->initialize(chosen, rng);
  }
}

template <class T>
const BasicTensor<T>& Network<T>::forward(const BasicTensor<T>& x, Mode mode) {
  const BasicTensor<T>* out = &x;
  for (std::size_t i = 0; i < layers_.size(); ++i) outputs_[i] = out = &layers_[i]->forward(*out, mode);
  return *out;
}

template <class T>
void Network<T>::backward(const BasicTensor<T>& grad_output) {
  // Layers before the first with parameters have no gradients to add to,
  // and nobody reads their input gradient (the first one with parameters
  // returns none: a dropout in front of it would be handed an empty one).
  const BasicTensor<T>* grad = &grad_output;
  for (std::size_t i = layers_.size(); i-- > first_trained_;) grad = &layers_[i]->backward(*grad);
}

template <class T>
void Network<T>::zero_grad() {
  for (auto& p : params_) p.grad->zero();
}

template <class T>
std::vector<BasicTensor<T>> Network<T>::snapshot() const {
  std::vector<BasicTensor<T>> copy;
  copy.reserve(params_.size() + buffers_.size());
  for (const auto& p : params_) copy.push_back(*p.value);
  for (const auto& b : buffers_) copy.push_back(*b.value);
  return copy;
}

template <class T>
void Network<T>::restore(const std::vector<BasicTensor<T>>& snapshot) {
  SCRATCHNET_CHECK(snapshot.size() == params_.size() + buffers_.size(), "snapshot of {} tensors",
                   snapshot.size());
  std::size_t i = 0;
  for (auto& p : params_) *p.value = snapshot[i++];
  for (auto& b : buffers_) *b.value = snapshot[i++];
}

template <class T>
const BasicTensor<T>& Network<T>::layer_output(std::size_t i) const {
  SCRATCHNET_CHECK(i < outputs_.size() && outputs_[i] != nullptr, "layer {} has no output yet", i);
  return *outputs_[i];
}

template <class T>
int Network<T>::first_non_finite_layer() const {
  for (std::size_t i = 0; i < outputs_.size(); ++i) {
    if (!outputs_[i]) break;
    for (const T v : outputs_[i]->span())
      if (!std::isfinite(v)) return static_cast<int>(i);
  }
  return -1;
}

template <class T>
void Network<T>::reseed(std::uint64_t seed) {
  for (std::size_t i = 0; i < layers_.size(); ++i)
    layers_[i]->reseed(seed + 0x9e3779b97f4a7c15ULL * (i + 1));
}

template <class T>
std::size_t Network<T>::parameter_count() const {
  std::size_t n = 0;
  for (const auto& p : params_) n += p.value->size();
  return n;
}

template <class T>
const Shape& Network<T>::output_shape() const {
  return layers_.back()->output_shape();
}

template <class T>
std::string Network<T>::summary() const {
  std::string s = fmt::format("{:<4} {:<28} {:>14} {:>10}\n", "#", "layer", "output", "params");
  s += fmt::format("{:<4} {:<28} {:>14} {:>10}\n", "", "input", input_shape().str(), "");
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    std::size_t n = 0;
    for (auto& p : layers_[i]->params()) n += p.value->size();
    s += fmt::format("{:<4} {:<28} {:>14} {:>10}\n", i + 1, layers_[i]->spec().str(),
                     layers_[i]->output_shape().str(), n);
  }
  s += fmt::format("total parameters: {}\n", parameter_count());
  return s;
}

template class Network<float>;
template class Network<double>;

}  // namespace scratchnet
