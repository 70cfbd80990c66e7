#pragma once
// A layer's parameter or buffer by name: how exporters (io/onnx_export,
// io/torch_layout) read weights without knowing the layer classes.

#include <string_view>

#include "scratchnet/layers/layer.h"

namespace scratchnet {

// The parameter or buffer of `layer` called `name` ("W", "running_mean"), or null.
template <class T>
BasicTensor<T>* find_layer_tensor(Layer<T>& layer, std::string_view name) {
  for (const Param<T>& p : layer.params())
    if (p.name == name) return p.value;
  for (const Buffer<T>& b : layer.buffers())
    if (b.name == name) return b.value;
  return nullptr;
}

}  // namespace scratchnet
