#pragma once
// Inverted dropout (N. Srivastava, G. Hinton, A. Krizhevsky, I. Sutskever,
// R. Salakhutdinov, "Dropout: A Simple Way to Prevent Neural Networks from
// Overfitting", JMLR 15, 2014; "Deep Learning from Scratch" section 6.4.3).
//
// Shapes: any input sample shape; y has the shape of x.
// Spec: {"dropout", {rate}}: rate p, required, 0 <= p < 1 (usage error otherwise).
//
// forward(x, kTrain)
//   ensures: each element is kept with probability 1 - p and scaled by
//            1 / (1 - p), else set to 0: y = x * mask with mask in {0, 1/(1-p)}.
//            The expected value of y is x, so eval needs no rescaling. With
//            p = 0 the layer is the identity and draws nothing.
// forward(x, kEval)
//   ensures: y = x (a copy).
// backward(dy): dx = dy * mask after a train forward, dx = dy after an eval one.
// Randomness: the layer owns its Rng; reseed(s) restarts it as Rng(s), and
//   before any reseed it is Rng(0). One uniform draw per element, in order.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& dropout_layer_type();

template <class T>
class SCRATCHNET_API Dropout final : public LayerBase<T> {
 public:
  Dropout(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;
  void reseed(std::uint64_t seed) override { rng_ = Rng(seed); }

  double rate() const { return rate_; }
  // The mask of the last train forward: 0 or 1 / (1 - p) per element.
  const BasicTensor<T>& mask() const { return mask_; }

 private:
  double rate_;
  Rng rng_{0};
  bool masked_ = false;  // whether the last forward applied mask_
  BasicTensor<T> mask_, y_, grad_x_;
};

}  // namespace scratchnet
