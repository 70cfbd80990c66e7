#pragma once
// BatchSumDecay: an L2 penalty on the *summed* loss of each mini-batch, as
// scikit-learn's MLP `alpha` is defined (sklearn/neural_network/
// _multilayer_perceptron.py, _backprop: loss += 0.5 * alpha * ||W||^2 / n_b,
// coef_grads += alpha * W, then / n_b, for a batch of n_b samples).
//
// scratchnet's loss is the batch mean and its weight decay adds lambda * w
// to the mean's gradient, so alpha is lambda = alpha / n_b: the same for
// every full batch, larger for the smaller remainder batch of an epoch.
// This callback sets the optimizer's weight decay to alpha / (size of the
// next batch) before every step (on_fit_begin for the first, on_step for the
// ones after), which makes the updates those of scikit-learn's alpha exactly.
// Put it with the other callbacks; it does not stop training.

#include <cstddef>

#include "scratchnet/train/trainer.h"

namespace scratchnet {

class BatchSumDecay final : public TrainCallback {
 public:
  // alpha >= 0 (a usage error otherwise).
  explicit BatchSumDecay(double alpha);
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_step(Trainer& trainer, const StepInfo& step) override;

 private:
  // The size of batch `b` (0-based) of an epoch of `samples_` samples.
  std::size_t batch_size(std::size_t b) const;

  double alpha_;
  std::size_t samples_ = 0, batch_ = 1;
};

}  // namespace scratchnet
