#pragma once
// Batch normalisation (S. Ioffe, C. Szegedy, "Batch Normalization: Accelerating
// Deep Network Training by Reducing Internal Covariate Shift", ICML 2015).
//
// Each feature (or channel) is normalised over the batch, then scaled and
// shifted by learned gamma and beta:
//   y = gamma * (x - mean) / sqrt(var + eps) + beta.
//
// Shapes: two input sample shapes, one class.
//   (D)        x (N, D):       D features, each normalised over the N samples.
//   (C, H, W)  x (N, C, H, W): C channels, each normalised over N*H*W values
//                              (BatchNorm2D).
//   y has the shape of x. gamma, beta, running_mean, running_var have size D or C.
// Params: "gamma" (init 1), "beta" (init 0); neither takes weight decay.
// Buffers: "running_mean" (init 0), "running_var" (init 1).
// Spec: {"batch_norm", {momentum = 0.9, eps = 1e-5}}; requires 0 <= momentum <= 1
//   and eps > 0 (usage error otherwise).
//
// forward(x, kTrain)
//   ensures: y uses the batch mean and the biased batch variance; the running
//            statistics become momentum * running + (1 - momentum) * batch, where
//            the batch variance is the unbiased one (m / (m - 1), m values per
//            feature) when m > 1, as in PyTorch. A constant feature (variance 0,
//            e.g. a batch of one) gives y = beta: eps keeps everything finite.
// forward(x, kEval)
//   ensures: y uses the running statistics, which are left unchanged.
// backward(dy), after a train forward, with m values per feature:
//   dx = (gamma * inv_std / m) * (m * dy - sum(dy) - x_hat * sum(dy * x_hat)),
//   dgamma += sum(dy * x_hat), dbeta += sum(dy).
//   After an eval forward the statistics are constants: dx = gamma * inv_std * dy.

#include "scratchnet/core/export.h"
#include "scratchnet/layers/layer_type.h"

namespace scratchnet {

SCRATCHNET_API const LayerType& batch_norm_layer_type();

template <class T>
class SCRATCHNET_API BatchNorm final : public LayerBase<T> {
 public:
  BatchNorm(const Shape& input, const LayerSpec& spec);

  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override;
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override;
  std::vector<Param<T>> params() override;
  std::vector<Buffer<T>> buffers() override;
  // Sets gamma = 1, beta = 0 and resets the running statistics (mean 0, var 1).
  void initialize(const InitScheme& scheme, Rng& rng) override;

  // Number of normalised features: D, or C for image inputs.
  std::size_t features() const { return features_; }

 private:
  std::size_t features_;  // D or C
  std::size_t spatial_;   // values per feature per sample: 1, or H*W
  double momentum_, eps_;
  BasicTensor<T> gamma_, beta_, grad_gamma_, grad_beta_;
  BasicTensor<T> running_mean_, running_var_;
  // Kept by forward for backward.
  Mode mode_ = Mode::kEval;
  BasicTensor<T> x_hat_;    // (x - mean) * inv_std, shaped like x
  std::vector<T> inv_std_;  // 1 / sqrt(var + eps), one per feature
  BasicTensor<T> y_, grad_x_;
};

}  // namespace scratchnet
