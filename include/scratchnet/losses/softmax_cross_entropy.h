#pragma once
// Softmax followed by cross-entropy, fused ("SoftmaxWithLoss" in the book).
//
// loss = mean over rows i of  logsumexp(z_i) - z_i[label_i],  computed with the
// row maximum subtracted, so huge logits give finite values (no NaN).
// dL/dz = (softmax(z) - onehot(label)) / N.

#include "scratchnet/losses/loss.h"

namespace scratchnet {

template <class T>
class SoftmaxCrossEntropy final : public Loss<T> {
 public:
  std::string type() const override { return "softmax_cross_entropy"; }
  T forward(const BasicTensor<T>& logits, const Targets<T>& targets) override;
  const BasicTensor<T>& backward() override;
  // Probabilities of the last forward.
  const BasicTensor<T>& probabilities() const { return prob_; }

 private:
  BasicTensor<T> prob_, grad_;
  std::span<const std::int32_t> labels_;
};

}  // namespace scratchnet
