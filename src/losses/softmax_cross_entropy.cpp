#include "scratchnet/losses/softmax_cross_entropy.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/core/error.h"

namespace scratchnet {

template <class T>
T SoftmaxCrossEntropy<T>::forward(const BasicTensor<T>& logits, const Targets<T>& targets) {
  const std::size_t n = logits.rows(), k = logits.cols();
  SCRATCHNET_CHECK(targets.labels.size() == n, "{} labels for {} rows", targets.labels.size(), n);
  labels_ = targets.labels;
  prob_.resize(logits.shape());
  const bool weighted = !weights_.empty();
  if (weighted && weights_.size() != k)
    throw_usage("{} class weights for {} classes", weights_.size(), k);
  double total = 0;
  weight_sum_ = 0;
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
    const double row_loss = static_cast<double>(log_sum - (z[label] - max));
    if (weighted) {
      total += static_cast<double>(weights_[label]) * row_loss;
      weight_sum_ += static_cast<double>(weights_[label]);
    } else {
      total += row_loss;
    }
  }
  return static_cast<T>(total / (weighted ? weight_sum_ : static_cast<double>(n)));
}

template <class T>
const BasicTensor<T>& SoftmaxCrossEntropy<T>::backward() {
  const std::size_t n = prob_.rows(), k = prob_.cols();
  grad_.resize(prob_.shape());
  if (!weights_.empty()) {
    const double inv_sum = 1.0 / weight_sum_;
    for (std::size_t r = 0; r < n; ++r) {
      const auto label = static_cast<std::size_t>(labels_[r]);
      const T scale = static_cast<T>(static_cast<double>(weights_[label]) * inv_sum);
      const T* p = prob_.row(r);
      T* g = grad_.row(r);
      for (std::size_t c = 0; c < k; ++c) g[c] = p[c] * scale;
      g[label] -= scale;
    }
    return grad_;
  }
  const T inv_n = T(1) / static_cast<T>(n);
  for (std::size_t r = 0; r < n; ++r) {
    const T* p = prob_.row(r);
    T* g = grad_.row(r);
    for (std::size_t c = 0; c < k; ++c) g[c] = p[c] * inv_n;
    g[labels_[r]] -= inv_n;
  }
  return grad_;
}

template class SoftmaxCrossEntropy<float>;
template class SoftmaxCrossEntropy<double>;

}  // namespace scratchnet
