#include "scratchnet/layers/residual.h"

#include "scratchnet/core/error.h"
#include "scratchnet/layers/conv2d.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

template <class T>
void append(std::vector<std::unique_ptr<Layer<T>>>& chain, const LayerSpec& spec, Shape& shape) {
  chain.push_back(make_layer<T>(spec, shape));
  shape = chain.back()->output_shape();
}

template <class T>
const BasicTensor<T>& run_forward(std::vector<std::unique_ptr<Layer<T>>>& chain, const BasicTensor<T>& x,
                                  Mode mode) {
  const BasicTensor<T>* out = &x;
  for (auto& layer : chain) out = &layer->forward(*out, mode);
  return *out;
}

template <class T>
const BasicTensor<T>& run_backward(std::vector<std::unique_ptr<Layer<T>>>& chain,
                                   const BasicTensor<T>& grad) {
  const BasicTensor<T>* g = &grad;
  for (auto it = chain.rbegin(); it != chain.rend(); ++it) g = &(*it)->backward(*g);
  return *g;
}

// The specs of the block's layers: the main branch, then the projection
// shortcut (empty for the identity).
struct BlockSpecs {
  std::vector<LayerSpec> main, shortcut;
};

BlockSpecs block_specs(const LayerSpec& spec, const Shape& input) {
  if (input.rank() != 3)
    throw_usage("residual needs (channels, height, width) inputs, got {}", input.str());
  const double filters = layer_attr(spec, "filters"), stride = layer_attr(spec, "stride");
  BlockSpecs b;
  b.main = {{"conv2d", {{"filters", filters}, {"kernel", 3}, {"stride", stride}, {"padding", 1}}},
            {"batch_norm", {}},
            {"relu", {}},
            {"conv2d", {{"filters", filters}, {"kernel", 3}, {"padding", 1}}},
            {"batch_norm", {}}};
  if (static_cast<double>(input[0]) != filters || stride != 1)
    b.shortcut = {{"conv2d", {{"filters", filters}, {"kernel", 1}, {"stride", stride}}}, {"batch_norm", {}}};
  return b;
}

// The inner layers' plans, chained: the block stores what they store.
LayerPlan plan(const LayerSpec& spec, const Shape& input) {
  const BlockSpecs b = block_specs(spec, input);
  LayerPlan total{input, 0, 0};
  for (const auto* chain : {&b.main, &b.shortcut}) {
    Shape shape = input;
    for (const LayerSpec& inner : *chain) {
      const LayerPlan p = plan_layer(inner, shape);
      shape = p.output;
      total.parameters += p.parameters;
      total.buffer_values += p.buffer_values;
    }
    if (chain == &b.main) total.output = shape;
  }
  return total;
}

}  // namespace

const LayerType& residual_layer_type() {
  static const LayerType type{
      "residual", "basic residual block: relu(conv3x3-BN-ReLU-conv3x3-BN (x) + shortcut(x)) (He et al. 2016)",
      {integer_attr_schema("filters", 1, std::nullopt, "output channels"),
       integer_attr_schema("stride", 1, 1.0, "stride of the first convolution (and the projection)")},
      &plan,
      &construct_layer<Residual<float>>,
      &construct_layer<Residual<double>>,
      /*activation=*/false,
      InitFamily::kXavier,
      /*resolves_own_init=*/true,
      OutputRange::kUnbounded,
      /*batch_coupled=*/true};  // its batch norms
  return type;
}

template <class T>
Residual<T>::Residual(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output) {
  const BlockSpecs b = block_specs(spec, input);
  Shape shape = input;
  for (const LayerSpec& inner : b.main) append(main_, inner, shape);
  SCRATCHNET_CHECK(shape == this->output_, "main branch gives {}, expected {}", shape.str(),
                   this->output_.str());
  Shape s = input;
  for (const LayerSpec& inner : b.shortcut) append(shortcut_, inner, s);
  SCRATCHNET_CHECK(shortcut_.empty() || s == this->output_, "shortcut gives {}, expected {}", s.str(),
                   this->output_.str());
}

template <class T>
const BasicTensor<T>& Residual<T>::forward(const BasicTensor<T>& x, Mode mode) {
  const BasicTensor<T>& main = run_forward(main_, x, mode);
  const BasicTensor<T>& skip = shortcut_.empty() ? x : run_forward(shortcut_, x, mode);
  sum_.resize(main.shape());
  y_.resize(main.shape());
  // sum = main + shortcut; y = relu(sum)
  for (std::size_t i = 0; i < sum_.size(); ++i) {
    sum_[i] = main[i] + skip[i];
    y_[i] = sum_[i] > T(0) ? sum_[i] : T(0);
  }
  return y_;
}

template <class T>
const BasicTensor<T>& Residual<T>::backward(const BasicTensor<T>& grad_y) {
  grad_sum_.resize(grad_y.shape());
  for (std::size_t i = 0; i < grad_sum_.size(); ++i) grad_sum_[i] = sum_[i] > T(0) ? grad_y[i] : T(0);
  const BasicTensor<T>& from_main = run_backward(main_, grad_sum_);
  grad_x_ = from_main;
  const BasicTensor<T>& from_skip = shortcut_.empty() ? grad_sum_ : run_backward(shortcut_, grad_sum_);
  for (std::size_t i = 0; i < grad_x_.size(); ++i) grad_x_[i] += from_skip[i];
  return grad_x_;
}

template <class T>
std::vector<Param<T>> Residual<T>::params() {
  std::vector<Param<T>> all;
  for (auto* chain : {&main_, &shortcut_})
    for (auto& layer : *chain)
      for (auto& p : layer->params()) all.push_back(p);
  return all;
}

template <class T>
std::vector<Buffer<T>> Residual<T>::buffers() {
  std::vector<Buffer<T>> all;
  for (auto* chain : {&main_, &shortcut_})
    for (auto& layer : *chain)
      for (auto& b : layer->buffers()) all.push_back(b);
  return all;
}

template <class T>
void Residual<T>::initialize(const InitScheme& scheme, Rng& rng) {
  // The convolutions feed ReLUs: He unless a scheme is forced.
  const InitScheme chosen =
      scheme.kind() == InitScheme::Kind::kAuto ? auto_init_before("relu") : scheme;
  for (auto* chain : {&main_, &shortcut_})
    for (auto& layer : *chain) layer->initialize(chosen, rng);
}

template <class T>
void Residual<T>::reseed(std::uint64_t seed) {
  for (auto* chain : {&main_, &shortcut_})
    for (auto& layer : *chain) layer->reseed(seed);
}

template class Residual<float>;
template class Residual<double>;

}  // namespace scratchnet
