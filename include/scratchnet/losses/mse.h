#pragma once
// Mean squared error: loss = (1 / (N K)) sum_i sum_k (y_ik - t_ik)^2,
// dL/dy = 2 (y - t) / (N K). For regression (seed 002).

#include "scratchnet/core/export.h"
#include "scratchnet/losses/loss.h"

namespace scratchnet {

template <class T>
class SCRATCHNET_API MeanSquaredError final : public Loss<T> {
 public:
  std::string type() const override { return "mse"; }
  const BasicTensor<T>& backward() override;
  double normaliser(const Shape& outputs, const Targets<T>& targets) const override;
  double forward_sum(const BasicTensor<T>& outputs, const Targets<T>& targets, double normaliser) override;
  std::unique_ptr<Loss<T>> clone() const override { return std::make_unique<MeanSquaredError<T>>(); }

 private:
  BasicTensor<T> grad_;
};

}  // namespace scratchnet
