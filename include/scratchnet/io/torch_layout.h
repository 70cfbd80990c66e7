#pragma once
// The PyTorch form of a scratchnet network: the torch.nn.Sequential that
// `scratchnet.torch.to_torch` builds for the network alone, and the names,
// shapes and layouts of its state_dict. Defined once, here: the safetensors
// export and import (io/safetensors_weights.h) use it, and the JSON of
// torch_modules_json() travels in the exported file, so the Python side
// builds the same modules from that JSON instead of keeping its own table.
//
// Top-level layer i of the network gives the next child or children of the
// Sequential, numbered from 0 in order; what each layer type becomes (e.g.
// dense -> Linear with weight = W^T, batch_norm -> BatchNorm1d/2d, residual ->
// a Residual module with `main` and `shortcut` Sequentials) is its entry in
// io/layer_interchange.h. A layer type without a PyTorch form is refused,
// naming it.
//
// JSON of the modules: a list, one object per child of the Sequential in
// order: {"type": "Conv2d", "args": {keyword arguments of the torch.nn
// constructor}, "layer": scratchnet layer index}; a Residual also has "main"
// and "shortcut", lists of the same form.

#include <cstddef>
#include <string>
#include <vector>

#include "scratchnet/train/network.h"

namespace scratchnet {

// One child module of the Sequential (or of a Residual's branches).
struct TorchModule {
  std::string type;       // torch.nn class name, or "Residual"
  std::string args_json;  // keyword arguments of its constructor, as a JSON object
  std::size_t layer = 0;  // the top-level scratchnet layer it comes from
  std::vector<TorchModule> main, shortcut;  // Residual only
};

// One entry of the state_dict.
struct TorchTensor {
  enum class Layout {
    kSame,        // the scratchnet tensor's values in order
    kTransposed,  // the transpose of the scratchnet (rows, cols) matrix
    kBatchCount,  // num_batches_tracked: an int64 scalar scratchnet does not keep
  };
  std::string name;                // "3.main.1.running_mean"
  std::vector<std::size_t> shape;  // PyTorch's shape
  Layout layout = Layout::kSame;
  BasicTensor<float>* value = nullptr;  // the scratchnet tensor (null for kBatchCount)
  std::string origin;                   // "layer 3 (residual): main conv2d W", for messages
};

struct TorchLayout {
  std::vector<TorchModule> modules;  // the Sequential's children
  std::vector<TorchTensor> tensors;  // the state_dict, in module order
};

// The layout of `network` (pointers into it: it must outlive the result).
// A usage error names the first layer that has no PyTorch form.
TorchLayout torch_layout(Network<float>& network);
// The modules as JSON (see above).
std::string torch_modules_json(const std::vector<TorchModule>& modules);

// Used by mappers: appends modules and tensors under the current prefix.
class TorchLayoutBuilder {
 public:
  explicit TorchLayoutBuilder(TorchLayout& layout) : layout_(layout), modules_(&layout.modules) {}

  // Appends a module of `type`; returns its state_dict prefix ("3").
  std::string module(std::string type, std::string args_json);
  void tensor(const std::string& module_name, const std::string& tensor_name,
              std::vector<std::size_t> shape, TorchTensor::Layout layout, BasicTensor<float>* value,
              const std::string& what);
  // Maps `layer` with its table entry (a usage error naming it when refused).
  void layer(Layer<float>& layer);
  // Maps `layers` into the Residual module just added, as its `main` (or `shortcut`) children.
  void branch(const std::string& module_name, bool main,
              const std::vector<std::unique_ptr<Layer<float>>>& layers);

  std::size_t layer_index = 0;  // the top-level layer being mapped

 private:
  TorchLayout& layout_;
  std::vector<TorchModule>* modules_;  // where modules go
  std::string prefix_;                 // "" at the top, "3.main." inside a block
  std::string context_;                // "layer 3 (residual): main " for messages
};

}  // namespace scratchnet
