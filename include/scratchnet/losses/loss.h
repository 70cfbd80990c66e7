#pragma once
// The loss interface. A loss maps a batch of network outputs (N, K) and the
// batch's targets to one number, the mean over the batch, and gives
// dL/d(outputs) for that mean.
//
//   forward(outputs, targets)  requires outputs.rows() == N targets; returns the mean loss.
//   backward()                 returns dL/d(outputs) of the last forward (owned by the loss).

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
  virtual T forward(const BasicTensor<T>& outputs, const Targets<T>& targets) = 0;
  virtual const BasicTensor<T>& backward() = 0;
};

// "softmax_cross_entropy" or "mse".
template <class T>
SCRATCHNET_API std::unique_ptr<Loss<T>> make_loss(const std::string& type);
SCRATCHNET_API std::vector<std::string> registered_loss_types();

}  // namespace scratchnet
