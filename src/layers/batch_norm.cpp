#include "scratchnet/layers/batch_norm.h"

#include <cmath>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

// Features (D or C) of a sample shape; throws a usage error for other ranks.
std::size_t features_of(const Shape& input) {
  if (input.rank() != 1 && input.rank() != 3)
    throw_usage(
        "batch_norm layer: input sample shape must be (D) or (C, H, W), got {} (rank {}); "
        "flatten or reshape before it",
        input.str(), input.rank());
  if (input.elements() == 0) throw_usage("batch_norm layer: empty input shape {}", input.str());
  return input[0];
}

// gamma, beta, running mean and variance: one value each per feature.
LayerPlan plan(const LayerSpec& /*spec*/, const Shape& input) {
  return {input, 2 * static_cast<double>(features_of(input)), 2 * static_cast<double>(input[0])};
}

// A sum in double over rows of values, in eight accumulators: one chain of
// dependent adds waits 4 cycles on each; eight independent chains overlap
// and vectorise (the small ResNet recipe: 2.38k -> 2.60k samples/s). Values
// past the last full group of 8 go round the accumulators in turn, so a
// feature with one value per sample (dense inputs) is spread too. The order
// is fixed, so the sums are the same run after run.
class Sum8 {
 public:
  template <class F>  // value(k) for k < count
  void add(std::size_t count, F value) {
    std::size_t k = 0;
    for (; k + 8 <= count; k += 8)
      for (std::size_t j = 0; j < 8; ++j) acc_[j] += value(k + j);
    for (; k < count; ++k) {
      acc_[next_] += value(k);
      next_ = (next_ + 1) % 8;
    }
  }
  double total() const {
    return ((acc_[0] + acc_[1]) + (acc_[2] + acc_[3])) + ((acc_[4] + acc_[5]) + (acc_[6] + acc_[7]));
  }

 private:
  double acc_[8] = {};
  std::size_t next_ = 0;
};

}  // namespace

const LayerType& batch_norm_layer_type() {
  static const LayerType type = [] {
    LayerType t{
        "batch_norm", "batch normalisation over the batch, per feature or channel (Ioffe & Szegedy 2015)",
        {real_attr_schema("momentum", 0, 1, false, false, 0.9,
                          "running statistics = momentum * running + (1 - momentum) * batch"),
         real_attr_schema("eps", 0, 1, true, false, 1e-5, "added to the variance")},
        &plan, &construct_layer<BatchNorm<float>>, &construct_layer<BatchNorm<double>>};
    t.batch_coupled = true;  // the batch's mean and variance
    return t;
  }();
  return type;
}

template <class T>
BatchNorm<T>::BatchNorm(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output),
      features_(input[0]),
      spatial_(input.elements() / input[0]),
      momentum_(layer_attr(spec, "momentum")),
      eps_(layer_attr(spec, "eps")) {
  const Shape per_feature{features_};
  gamma_.resize(per_feature);
  beta_.resize(per_feature);
  grad_gamma_.resize(per_feature);
  grad_beta_.resize(per_feature);
  running_mean_.resize(per_feature);
  running_var_.resize(per_feature);
  gamma_.fill(T(1));
  beta_.zero();
  running_mean_.zero();
  running_var_.fill(T(1));
  inv_std_.resize(features_);
}

template <class T>
const BasicTensor<T>& BatchNorm<T>::forward(const BasicTensor<T>& x, Mode mode) {
  const std::size_t n = x.rows(), f = features_, s = spatial_;
  SCRATCHNET_CHECK(x.cols() == f * s, "batch_norm expects samples of shape {}, got {}",
                   this->input_.str(), x.shape().str());
  mode_ = mode;
  x_hat_.resize(x.shape());
  y_.resize(x.shape());
  // Feature c of sample i occupies x[(i * f + c) * s, ... + s).
  const std::size_t m = n * s;  // values per feature
  for (std::size_t c = 0; c < f; ++c) {
    double mean, var;
    if (mode == Mode::kTrain) {
      // Batch mean, then the biased batch variance (two passes, in double).
      Sum8 sum;
      for (std::size_t i = 0; i < n; ++i) {
        const T* in = x.data() + (i * f + c) * s;
        sum.add(s, [in](std::size_t k) { return static_cast<double>(in[k]); });
      }
      mean = sum.total() / static_cast<double>(m);
      Sum8 squares;
      for (std::size_t i = 0; i < n; ++i) {
        const T* in = x.data() + (i * f + c) * s;
        squares.add(s, [in, mean](std::size_t k) { return (in[k] - mean) * (in[k] - mean); });
      }
      const double sq = squares.total();
      var = sq / static_cast<double>(m);
      // running = momentum * running + (1 - momentum) * batch (unbiased variance).
      // A single value per channel (a remainder batch of 1) says nothing about
      // the variance, so it leaves the running statistics alone.
      if (m > 1) {
        const double unbiased = sq / static_cast<double>(m - 1);
        running_mean_[c] = static_cast<T>(momentum_ * running_mean_[c] + (1 - momentum_) * mean);
        running_var_[c] = static_cast<T>(momentum_ * running_var_[c] + (1 - momentum_) * unbiased);
      }
    } else {
      mean = running_mean_[c];
      var = running_var_[c];
    }
    // x_hat = (x - mean) / sqrt(var + eps); y = gamma * x_hat + beta.
    const double inv_std = 1 / std::sqrt(var + eps_);
    inv_std_[c] = static_cast<T>(inv_std);
    const T g = gamma_[c], b = beta_[c];
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t offset = (i * f + c) * s;
      const T* in = x.data() + offset;
      T* xh = x_hat_.data() + offset;
      T* out = y_.data() + offset;
      for (std::size_t k = 0; k < s; ++k) {
        xh[k] = static_cast<T>((in[k] - mean) * inv_std);
        out[k] = g * xh[k] + b;
      }
    }
  }
  return y_;
}

template <class T>
const BasicTensor<T>& BatchNorm<T>::backward(const BasicTensor<T>& grad_y) {
  SCRATCHNET_CHECK(grad_y.shape() == x_hat_.shape(), "batch_norm backward: dy {} after forward {}",
                   grad_y.shape().str(), x_hat_.shape().str());
  const std::size_t n = grad_y.rows(), f = features_, s = spatial_;
  const std::size_t m = n * s;
  grad_x_.resize(grad_y.shape());
  for (std::size_t c = 0; c < f; ++c) {
    // sum(dy) and sum(dy * x_hat) over the m values of feature c.
    Sum8 dy_sum, dy_xhat_sum;
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t offset = (i * f + c) * s;
      const T* dy = grad_y.data() + offset;
      const T* xh = x_hat_.data() + offset;
      dy_sum.add(s, [dy](std::size_t k) { return static_cast<double>(dy[k]); });
      dy_xhat_sum.add(s, [dy, xh](std::size_t k) { return static_cast<double>(dy[k]) * xh[k]; });
    }
    const double sum_dy = dy_sum.total(), sum_dy_xhat = dy_xhat_sum.total();
    // dgamma += sum(dy * x_hat), dbeta += sum(dy).
    grad_gamma_[c] += static_cast<T>(sum_dy_xhat);
    grad_beta_[c] += static_cast<T>(sum_dy);
    const double scale = static_cast<double>(gamma_[c]) * inv_std_[c];
    for (std::size_t i = 0; i < n; ++i) {
      const std::size_t offset = (i * f + c) * s;
      const T* dy = grad_y.data() + offset;
      const T* xh = x_hat_.data() + offset;
      T* dx = grad_x_.data() + offset;
      if (mode_ == Mode::kTrain) {
        // dx = (gamma * inv_std / m) * (m * dy - sum(dy) - x_hat * sum(dy * x_hat)).
        const double md = static_cast<double>(m);
        for (std::size_t k = 0; k < s; ++k)
          dx[k] = static_cast<T>(scale / md * (md * dy[k] - sum_dy - xh[k] * sum_dy_xhat));
      } else {
        // Running statistics are constants: dx = gamma * inv_std * dy.
        for (std::size_t k = 0; k < s; ++k) dx[k] = static_cast<T>(scale * dy[k]);
      }
    }
  }
  return grad_x_;
}

template <class T>
std::vector<Param<T>> BatchNorm<T>::params() {
  return {{"gamma", &gamma_, &grad_gamma_, false}, {"beta", &beta_, &grad_beta_, false}};
}

template <class T>
std::vector<Buffer<T>> BatchNorm<T>::buffers() {
  return {{"running_mean", &running_mean_}, {"running_var", &running_var_}};
}

template <class T>
void BatchNorm<T>::initialize(const InitScheme& /*scheme*/, Rng& /*rng*/) {
  gamma_.fill(T(1));
  beta_.zero();
  running_mean_.zero();
  running_var_.fill(T(1));
}

template class BatchNorm<float>;
template class BatchNorm<double>;

}  // namespace scratchnet
