#pragma once
// Param and Buffer: the named tensors that layers expose and that optimizers,
// model files and checkpoints see. They live in core so that an optimizer
// sees parameters, never layers.

#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

// A trained tensor and its gradient. Pointers stay valid for the life of the
// layer that owns them.
template <class T>
struct SCRATCHNET_API Param {
  std::string name;             // e.g. "W", "b"
  BasicTensor<T>* value;
  BasicTensor<T>* grad;
  bool decay;                   // whether weight decay applies (weights yes, biases no)
};

// A named tensor of a layer that is saved but not trained (batch-norm
// running statistics).
template <class T>
struct SCRATCHNET_API Buffer {
  std::string name;  // e.g. "running_mean"
  BasicTensor<T>* value;
};

}  // namespace scratchnet
