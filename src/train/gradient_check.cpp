#include "scratchnet/train/gradient_check.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

using Tensor64 = BasicTensor<double>;

// Seed given to reseed() before every forward: one frozen dropout mask.
constexpr std::uint64_t kFrozenSeed = 0x5eed'c0de;

template <class To, class From>
void copy_into(const BasicTensor<From>& from, BasicTensor<To>& to) {
  to.resize(from.shape());
  for (std::size_t i = 0; i < from.size(); ++i) to[i] = static_cast<To>(from[i]);
}

template <class T>
std::vector<double> as_doubles(const BasicTensor<T>& t) {
  return std::vector<double>(t.span().begin(), t.span().end());
}

void require_input(const Shape& sample, const Shape& given, const std::string& what) {
  if (given.rank() == 0 || given[0] == 0 || given.without_batch() != sample)
    throw_usage("gradient check of {}: x must hold N >= 1 samples of shape {}, got {}", what, sample.str(),
                given.str());
}

// Parameter values, gradients and buffers of the object under test, put back
// when the check ends.
template <class T>
class SavedState {
 public:
  SavedState(std::vector<Param<T>> params, std::vector<Buffer<T>> buffers)
      : params_(std::move(params)), buffers_(std::move(buffers)) {
    for (const auto& p : params_) {
      values_.push_back(*p.value);
      grads_.push_back(*p.grad);
    }
    for (const auto& b : buffers_) buffer_values_.push_back(*b.value);
  }
  ~SavedState() {
    for (std::size_t i = 0; i < params_.size(); ++i) {
      *params_[i].value = values_[i];
      *params_[i].grad = grads_[i];
    }
    for (std::size_t i = 0; i < buffers_.size(); ++i) *buffers_[i].value = buffer_values_[i];
  }
  SavedState(const SavedState&) = delete;
  SavedState& operator=(const SavedState&) = delete;

 private:
  std::vector<Param<T>> params_;
  std::vector<Buffer<T>> buffers_;
  std::vector<BasicTensor<T>> values_, grads_, buffer_values_;
};

// The analytic gradients of L = sum(y * R) from the object under test.
struct Analytic {
  std::vector<double> input;               // empty: not computed
  std::vector<std::vector<double>> params;
};

// The numeric side: a forward at the current values, and what it may perturb.
struct Numeric {
  std::function<const Tensor64&()> forward;
  Tensor64* input = nullptr;  // null: no input entry
  std::vector<Tensor64*> params;
};

double objective(const Numeric& numeric, const Tensor64& r) {
  const Tensor64& y = numeric.forward();
  double sum = 0;
  for (std::size_t i = 0; i < y.size(); ++i) sum += y[i] * r[i];
  return sum;
}

std::vector<std::size_t> checked_indices(std::size_t size, std::size_t max_values) {
  const std::size_t count = max_values == 0 ? size : std::min(size, max_values);
  std::vector<std::size_t> indices(count);
  for (std::size_t k = 0; k < count; ++k) indices[k] = k * size / count;
  return indices;
}

// One checked tensor: its analytic gradient and the central differences at
// the checked indices.
struct Compared {
  std::string name;
  std::vector<std::size_t> indices;
  std::vector<double> analytic, numeric;
};

Compared differentiate(const std::string& name, Tensor64& values, const std::vector<double>& analytic,
                       const Numeric& numeric, const Tensor64& r, const GradientCheckOptions& options) {
  SCRATCHNET_CHECK(analytic.size() == values.size(), "{}: {} analytic values for {}", name, analytic.size(),
                   values.size());
  Compared c{name, checked_indices(values.size(), options.max_values), {}, {}};
  for (std::size_t index : c.indices) {
    double& v = values[index];
    const double saved = v;
    v = saved + options.step;
    const double up = objective(numeric, r);
    v = saved - options.step;
    const double down = objective(numeric, r);
    v = saved;
    c.analytic.push_back(analytic[index]);
    c.numeric.push_back((up - down) / (2 * options.step));
  }
  return c;
}

// The worst value of one tensor; values below `floor` compare absolutely.
GradientCheckEntry worst_of(const Compared& c, double floor) {
  GradientCheckEntry entry;
  entry.name = c.name;
  entry.checked = c.indices.size();
  entry.worst_error = -1;
  for (std::size_t k = 0; k < c.indices.size(); ++k) {
    const double a = c.analytic[k], n = c.numeric[k];
    const double denominator = std::max({std::abs(a), std::abs(n), floor});
    const double error = denominator > 0 ? std::abs(a - n) / denominator : 0.0;
    if (!(error <= entry.worst_error)) {  // NaN counts as the worst
      entry.worst_error = error;
      entry.worst_index = c.indices[k];
      entry.analytic = a;
      entry.numeric = n;
    }
  }
  if (entry.worst_error < 0) entry.worst_error = 0;
  return entry;
}

Tensor64 draw_weights(const Shape& shape, std::uint64_t seed) {
  Tensor64 r(shape);
  Rng rng(seed);
  for (double& v : r.span()) v = rng.uniform(-1.0, 1.0);
  return r;
}

// Runs the check: `analytic(R)` from the object under test, central
// differences from `numeric`; `names` label the parameters.
GradientCheckReport run_check(const Numeric& numeric, const std::function<Analytic(const Tensor64&)>& analytic_of,
                              const std::vector<std::string>& names, const GradientCheckOptions& options) {
  if (!(options.step > 0) || !std::isfinite(options.step))
    throw_usage("gradient check: the step must be positive, got {:g}", options.step);
  const Tensor64 r = draw_weights(numeric.forward().shape(), options.seed);
  const Analytic analytic = analytic_of(r);
  std::vector<Compared> compared;
  if (numeric.input != nullptr && !analytic.input.empty())
    compared.push_back(differentiate("input", *numeric.input, analytic.input, numeric, r, options));
  SCRATCHNET_CHECK(analytic.params.size() == numeric.params.size() && names.size() == numeric.params.size(),
                   "{} analytic, {} numeric, {} named parameters", analytic.params.size(), numeric.params.size(),
                   names.size());
  for (std::size_t p = 0; p < numeric.params.size(); ++p)
    compared.push_back(differentiate(names[p], *numeric.params[p], analytic.params[p], numeric, r, options));
  // The floor: 1e-3 of the largest numeric gradient of the whole check.
  double scale = 0;
  for (const Compared& c : compared)
    for (double n : c.numeric) scale = std::max(scale, std::abs(n));
  GradientCheckReport report;
  for (const Compared& c : compared) report.entries.push_back(worst_of(c, 1e-3 * scale));
  return report;
}

// The analytic gradients of a layer at x for upstream gradient R.
template <class T>
Analytic layer_gradients(Layer<T>& layer, const BasicTensor<T>& x, const Tensor64& r, Mode mode) {
  SavedState<T> saved(layer.params(), layer.buffers());
  for (auto& p : layer.params()) p.grad->zero();
  layer.reseed(kFrozenSeed);
  layer.forward(x, mode);
  BasicTensor<T> upstream;
  copy_into(r, upstream);
  Analytic a;
  a.input = as_doubles(layer.backward(upstream));
  for (auto& p : layer.params()) a.params.push_back(as_doubles(*p.grad));
  return a;
}

template <class T>
std::vector<Tensor64*> param_values(const std::vector<Param<T>>& params) {
  std::vector<Tensor64*> values;
  for (const auto& p : params) values.push_back(p.value);
  return values;
}

}  // namespace

double GradientCheckReport::worst_error() const {
  double worst = 0;
  for (const auto& e : entries)
    if (!(e.worst_error <= worst)) worst = e.worst_error;
  return worst;
}

template <class T>
std::vector<std::string> unique_param_names(const std::vector<Param<T>>& params) {
  std::map<std::string, int> seen;
  std::vector<std::string> names;
  for (const auto& p : params) {
    const int n = ++seen[p.name];
    names.push_back(n == 1 ? p.name : fmt::format("{}_{}", p.name, n));
  }
  return names;
}

GradientCheckReport check_gradients(Layer<float>& layer, const Tensor& x, const GradientCheckOptions& options) {
  require_input(layer.input_shape(), x.shape(), layer.spec().str());
  // The double twin, with the layer's parameters and buffers.
  auto twin = make_layer<double>(layer.spec(), layer.input_shape());
  const auto params = layer.params();
  const auto twin_params = twin->params();
  const auto buffers = layer.buffers();
  const auto twin_buffers = twin->buffers();
  SCRATCHNET_CHECK(params.size() == twin_params.size() && buffers.size() == twin_buffers.size(),
                   "the double twin of {} has other parameters", layer.spec().str());
  for (std::size_t i = 0; i < params.size(); ++i) copy_into(*params[i].value, *twin_params[i].value);
  for (std::size_t i = 0; i < buffers.size(); ++i) copy_into(*buffers[i].value, *twin_buffers[i].value);
  Tensor64 xd;
  copy_into(x, xd);
  Numeric numeric;
  numeric.forward = [&]() -> const Tensor64& {
    twin->reseed(kFrozenSeed);
    return twin->forward(xd, options.mode);
  };
  numeric.input = &xd;
  numeric.params = param_values(twin_params);
  return run_check(
      numeric, [&](const Tensor64& r) { return layer_gradients(layer, x, r, options.mode); },
      unique_param_names(params), options);
}

GradientCheckReport check_gradients(Layer<double>& layer, const BasicTensor<double>& x,
                                    const GradientCheckOptions& options) {
  require_input(layer.input_shape(), x.shape(), layer.spec().str());
  // The layer is its own numeric side: put everything back at the end.
  SavedState<double> saved(layer.params(), layer.buffers());
  Tensor64 xd = x;
  Numeric numeric;
  numeric.forward = [&]() -> const Tensor64& {
    layer.reseed(kFrozenSeed);
    return layer.forward(xd, options.mode);
  };
  numeric.input = &xd;
  const auto params = layer.params();
  numeric.params = param_values(params);
  return run_check(
      numeric, [&](const Tensor64& r) { return layer_gradients(layer, x, r, options.mode); },
      unique_param_names(params), options);
}

GradientCheckReport check_gradients(Network<float>& network, const Tensor& x, const GradientCheckOptions& options) {
  require_input(network.input_shape(), x.shape(), "the network");
  Network<double> twin(network.architecture());
  for (std::size_t i = 0; i < network.params().size(); ++i)
    copy_into(*network.params()[i].value, *twin.params()[i].value);
  for (std::size_t i = 0; i < network.buffers().size(); ++i)
    copy_into(*network.buffers()[i].value, *twin.buffers()[i].value);
  Tensor64 xd;
  copy_into(x, xd);
  Numeric numeric;
  numeric.forward = [&]() -> const Tensor64& {
    twin.reseed(kFrozenSeed);
    return twin.forward(xd, options.mode);
  };
  numeric.params = param_values(twin.params());
  // "<layer index>.<name>", unique within each layer.
  std::vector<std::string> names;
  for (std::size_t l = 0; l < network.size(); ++l)
    for (const auto& name : unique_param_names(network.layer(l).params()))
      names.push_back(fmt::format("{}.{}", l, name));
  const auto analytic_of = [&](const Tensor64& r) {
    SavedState<float> saved(network.params(), network.buffers());
    network.zero_grad();
    network.reseed(kFrozenSeed);
    network.forward(x, options.mode);
    Tensor upstream;
    copy_into(r, upstream);
    network.backward(upstream);
    Analytic a;
    for (const auto& p : network.params()) a.params.push_back(as_doubles(*p.grad));
    return a;
  };
  return run_check(numeric, analytic_of, names, options);
}

template std::vector<std::string> unique_param_names(const std::vector<Param<float>>&);
template std::vector<std::string> unique_param_names(const std::vector<Param<double>>&);

}  // namespace scratchnet
