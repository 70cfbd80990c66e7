#include "scratchnet/losses/softmax_cross_entropy.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/core/error.h"

namespace scratchnet {

template <class T>
double SoftmaxCrossEntropy<T>::normaliser(const Shape& logits, const Targets<T>& targets) const {
  if (weights_.empty()) return static_cast<double>(logits.rank() ? logits[0] : 0);
  double sum = 0;
  for (const std::int32_t label : targets.labels)
    if (label >= 0 && static_cast<std::size_t>(label) < weights_.size())
      sum += static_cast<double>(weights_[static_cast<std::size_t>(label)]);
  return sum;
}

template <class T>
double SoftmaxCrossEntropy<T>::forward_sum(const BasicTensor<T>& logits, const Targets<T>& targets,
                                           double normaliser) {
  const std::size_t n = logits.rows(), k = logits.cols();
  SCRATCHNET_CHECK(targets.labels.size() == n, "{} labels for {} rows", targets.labels.size(), n);
  labels_ = targets.labels;
  normaliser_ = normaliser;
  prob_.resize(logits.shape());
  const bool weighted = !weights_.empty();
  if (weighted && weights_.size() != k)
    throw_usage("{} class weights for {} classes", weights_.size(), k);
  double total = 0;
  for (std::size_t r = 0; r < n; ++r) {
    const T* z = logits.row(r);
    T* p = prob_.row(r);
    const auto label = static_cast<std::size_t>(labels_[r]);
    SCRATCHNET_CHECK(label < k, "label {} out of range for {} classes", labels_[r], k);
    // log-sum-exp with the maximum subtracted: exp never overflows.
    const T max = *std::max_element(z, z + k);
    T sum = 0;
    for (std::size_t c = 0; c < k; ++c) sum += (p[c] = std::exp(z[c] - max));
    const T log_sum = std::log(sum);
    for (std::size_t c = 0; c < k; ++c) p[c] /= sum;
    // -log p[label], weighted by the label's class weight (1 without weights).
    const double w = weighted ? static_cast<double>(weights_[label]) : 1.0;
    double row_loss = w * static_cast<double>(log_sum - (z[label] - max));
    if (smoothing_ > 0) {
      // Smoothed targets: (1 - eps) of the label's term plus eps / K of
      // sum_c w[c] (-log p[c]).
      double spread = 0;
      for (std::size_t c = 0; c < k; ++c)
        spread += (weighted ? static_cast<double>(weights_[c]) : 1.0) * static_cast<double>(log_sum - (z[c] - max));
      row_loss = (1 - smoothing_) * row_loss + smoothing_ / static_cast<double>(k) * spread;
    }
    total += row_loss;
  }
  return total;
}

template <class T>
const BasicTensor<T>& SoftmaxCrossEntropy<T>::backward() {
  const std::size_t n = prob_.rows(), k = prob_.cols();
  grad_.resize(prob_.shape());
  // eps = 0 gives the one-hot gradients exactly: the smoothing terms vanish.
  const double eps = smoothing_, spread = smoothing_ / static_cast<double>(k);
  if (!weights_.empty()) {
    // dl_i/dz_c = p_c ((1 - eps) w[y] + eps/K sum_c' w[c']) - (1 - eps) w[y] [c = y] - eps/K w[c],
    // over sum_i w[y_i].
    const double inv_sum = 1.0 / normaliser_;
    double all_weights = 0;
    for (const T w : weights_) all_weights += static_cast<double>(w);
    for (std::size_t r = 0; r < n; ++r) {
      const auto label = static_cast<std::size_t>(labels_[r]);
      const double hit = (1 - eps) * static_cast<double>(weights_[label]);
      const T scale = static_cast<T>((hit + spread * all_weights) * inv_sum);
      const T* p = prob_.row(r);
      T* g = grad_.row(r);
      for (std::size_t c = 0; c < k; ++c) g[c] = p[c] * scale - static_cast<T>(spread * static_cast<double>(weights_[c]) * inv_sum);
      g[label] -= static_cast<T>(hit * inv_sum);
    }
    return grad_;
  }
  // dl/dz = (softmax(z) - q) / N with q = (1 - eps) onehot + eps / K.
  const T inv_n = T(1) / static_cast<T>(normaliser_);
  const T off = static_cast<T>(spread) * inv_n, hit = static_cast<T>(1 - eps) * inv_n;
  for (std::size_t r = 0; r < n; ++r) {
    const T* p = prob_.row(r);
    T* g = grad_.row(r);
    for (std::size_t c = 0; c < k; ++c) g[c] = p[c] * inv_n - off;
    g[labels_[r]] -= hit;
  }
  return grad_;
}

template <class T>
std::unique_ptr<Loss<T>> SoftmaxCrossEntropy<T>::clone() const {
  auto copy = std::make_unique<SoftmaxCrossEntropy<T>>();
  copy->weights_ = weights_;
  copy->smoothing_ = smoothing_;
  return copy;
}

template <class T>
void SoftmaxCrossEntropy<T>::set_label_smoothing(double eps) {
  if (!(eps >= 0 && eps < 1)) throw_usage("label smoothing must be in [0, 1), got {}", eps);
  smoothing_ = eps;
}

template class SoftmaxCrossEntropy<float>;
template class SoftmaxCrossEntropy<double>;

}  // namespace scratchnet
