#pragma once
// Softmax followed by cross-entropy, fused ("SoftmaxWithLoss" in the book).
//
// loss = mean over rows i of  logsumexp(z_i) - z_i[label_i],  computed with the
// row maximum subtracted, so huge logits give finite values (no NaN).
// dL/dz = (softmax(z) - onehot(label)) / N.
//
// With class weights w (losses/class_weights.h), PyTorch's
// CrossEntropyLoss(weight=w): loss = sum_i w[y_i] l_i / sum_i w[y_i] and
// dL/dz_i = w[y_i] (softmax(z_i) - onehot(y_i)) / sum_i w[y_i].
//
// Label smoothing eps in [0, 1) (train.label_smoothing; Szegedy et al. 2016,
// "Rethinking the Inception Architecture", section 7): each row's target is
// the distribution q_i = (1 - eps) onehot(y_i) + eps / K, so
//   l_i = -sum_c q_ic log softmax(z_i)_c,   dl_i/dz_i = softmax(z_i) - q_i
// (the mean over N as above). With class weights, as PyTorch's
// CrossEntropyLoss(weight=w, label_smoothing=eps): the smoothing term weighs
// each class by its own weight, l_i = (1 - eps) w[y_i] (-log p_iy) +
// eps / K sum_c w[c] (-log p_ic), still divided by sum_i w[y_i].

#include "scratchnet/core/export.h"
#include "scratchnet/losses/loss.h"

namespace scratchnet {

template <class T>
class SCRATCHNET_API SoftmaxCrossEntropy final : public Loss<T> {
 public:
  std::string type() const override { return "softmax_cross_entropy"; }
  const BasicTensor<T>& backward() override;
  double normaliser(const Shape& logits, const Targets<T>& targets) const override;
  double forward_sum(const BasicTensor<T>& logits, const Targets<T>& targets, double normaliser) override;
  std::unique_ptr<Loss<T>> clone() const override;
  // Probabilities of the last forward.
  const BasicTensor<T>& probabilities() const { return prob_; }
  // One weight > 0 per class, or empty for the plain mean.
  void set_class_weights(std::vector<T> weights) { weights_ = std::move(weights); }
  const std::vector<T>& class_weights() const { return weights_; }
  // eps in [0, 1) (a usage error otherwise); 0: the one-hot targets.
  void set_label_smoothing(double eps);
  double label_smoothing() const { return smoothing_; }

 private:
  BasicTensor<T> prob_, grad_;
  std::span<const std::int32_t> labels_;
  std::vector<T> weights_;
  double normaliser_ = 1;  // of the last forward: N, or the sum of the batch's weights
  double smoothing_ = 0;
};

}  // namespace scratchnet
