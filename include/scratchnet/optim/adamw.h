#pragma once
// AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization", ICLR
// 2019): Adam on the loss gradient alone, with weight decay applied to the
// weights directly:  w -= lr * (m^ / (sqrt(v^) + eps) + lambda * w).
// Hyper-parameters and defaults as Adam's. State slots per parameter: 2 (m, v).

#include "scratchnet/core/export.h"
#include "scratchnet/optim/adam.h"

namespace scratchnet {

class SCRATCHNET_API AdamW final : public Adam {
 public:
  explicit AdamW(const AdamOptions& options = {}) : Adam(options, true) {}
  static const OptimizerType& descriptor();
  const OptimizerType& type() const override { return descriptor(); }
};

}  // namespace scratchnet
