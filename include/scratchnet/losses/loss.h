#pragma once
// The loss interface. A loss maps a batch of network outputs (N, K) and the
// batch's targets to one number, the mean over the batch, and gives
// dL/d(outputs) for that mean.
//
//   forward(outputs, targets)  requires outputs.rows() == N targets; returns the mean loss.
//   backward()                 returns dL/d(outputs) of the last forward (owned by the loss).
//
// A batch can also be taken in shares of rows (batch-parallel steps,
// train/batch_parallel.h), each by its own clone() of the loss:
//   normaliser(outputs' shape, targets)  what the whole batch's summed loss is divided by
//                                        (N; N K for MSE; the sum of the rows' class weights)
//   forward_sum(rows, their targets, d)  the rows' summed loss (not divided), and backward()
//                                        gives their rows of dL/d(outputs) for the batch's
//                                        mean: each row exactly as forward() gives it.
// forward(outputs, targets) is forward_sum(outputs, targets, normaliser(...)) / normaliser.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

// Integer class labels for classification, or real-valued targets (N, K) for regression.
template <class T>
struct SCRATCHNET_API Targets {
  std::span<const std::int32_t> labels;
  const BasicTensor<T>* values = nullptr;
};

template <class T>
class SCRATCHNET_API Loss {
 public:
  Loss() = default;
  Loss(const Loss&) = delete;
  Loss& operator=(const Loss&) = delete;
  virtual ~Loss() = default;

  virtual std::string type() const = 0;
  T forward(const BasicTensor<T>& outputs, const Targets<T>& targets) {
    const double d = normaliser(outputs.shape(), targets);
    return static_cast<T>(forward_sum(outputs, targets, d) / d);
  }
  virtual const BasicTensor<T>& backward() = 0;
  virtual double normaliser(const Shape& outputs, const Targets<T>& targets) const = 0;
  virtual double forward_sum(const BasicTensor<T>& outputs, const Targets<T>& targets, double normaliser) = 0;
  // A loss of the same type and settings (class weights, label smoothing).
  virtual std::unique_ptr<Loss<T>> clone() const = 0;
};

// "softmax_cross_entropy" or "mse".
template <class T>
SCRATCHNET_API std::unique_ptr<Loss<T>> make_loss(const std::string& type);
SCRATCHNET_API std::vector<std::string> registered_loss_types();

}  // namespace scratchnet
