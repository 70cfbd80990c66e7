#pragma once
// What every layer type becomes elsewhere: one table keyed by the layer
// registry's type names (layers/registry.h), each entry giving the layer's
// ONNX nodes (io/onnx_export.h) and its torch.nn modules and state_dict
// tensors (io/torch_layout.h), or the reason it cannot be expressed. A test
// iterates layer_types() and fails for a registered type without an entry:
// adding a layer type means adding its entry here.
//
// Per type: ONNX (opset 13-17) | PyTorch (children of the nn.Sequential).
//   dense       Gemm(x, W, b), W as stored (in, out) | Linear(in_features, out_features),
//               weight = W^T [out, in], bias = b. Both put a Flatten first when the input
//               is not a vector (dense reads it flattened).
//   conv2d      Conv(kernel_shape, pads, strides), W [out, in, kh, kw] | Conv2d(in_channels,
//               out_channels, kernel_size, stride, padding), weight [out, in, kh, kw], bias
//               (the stored (filters, C*k*k) rows in (c, ki, kj) order: the same bytes).
//   batch_norm  BatchNormalization(epsilon) with the running statistics (inference form) |
//               BatchNorm1d over (D), BatchNorm2d over (C, H, W) (num_features, eps,
//               momentum = 1 - scratchnet's momentum: scratchnet keeps `momentum` of the old
//               running value, PyTorch 1 - momentum); weight = gamma, bias = beta,
//               running_mean, running_var, num_batches_tracked (an int64 scalar scratchnet
//               does not keep: written 0, ignored on import).
//   max_pool2d  MaxPool(kernel_shape, strides) | MaxPool2d(kernel_size, stride)
//   avg_pool2d  AveragePool(kernel_shape, strides) | AvgPool2d(kernel_size, stride)
//   flatten     Flatten(axis 1) | Flatten()
//   dropout     nothing (the identity at inference) | Dropout(p) (kept, so that training in
//               PyTorch regularises as scratchnet did)
//   residual    the inner layers of both branches, Add, Relu | Residual: scratchnet's basic
//               block, a module with two Sequential children `main` and `shortcut` and the
//               forward relu(main(x) + shortcut(x)); main = Conv2d 3x3 (stride, padding 1),
//               BatchNorm2d, ReLU, Conv2d 3x3 (padding 1), BatchNorm2d; shortcut = Conv2d 1x1
//               (stride), BatchNorm2d for a projection, an empty Sequential (the identity)
//               otherwise. State names "3.main.0.weight", "3.shortcut.1.running_var".
//   sigmoid, tanh, relu, identity   Sigmoid, Tanh, Relu, Identity | Sigmoid(), Tanh(),
//               ReLU(), Identity()
//   leaky_relu  LeakyRelu(alpha) | LeakyReLU(negative_slope = alpha)
//   softmax     Softmax(axis -1) | Softmax(dim = -1)
// The layer types added on main meanwhile (written against their files there: GELU's
// exact erf form, elu's alpha, softplus's beta and threshold, a (C) output of
// global_avg_pool2d); their entries wait here until the merge registers them:
//   gelu        0.5 x (1 + Erf(x / sqrt 2)) (ONNX has Gelu from opset 20 only) | GELU()
//   elu         Elu(alpha) | ELU(alpha)
//   silu        x * Sigmoid(x) | SiLU()
//   softplus    Softplus(beta x) / beta (Softplus when beta is 1) | Softplus(beta, threshold)
//   global_avg_pool2d  GlobalAveragePool | AdaptiveAvgPool2d(1); both + Flatten for a (C) output

#include <string>
#include <string_view>
#include <vector>

#include "scratchnet/layers/layer.h"

namespace scratchnet {

class OnnxGraphBuilder;
class TorchLayoutBuilder;

// Adds the nodes of `layer` reading value `input`; returns its output's name.
using OnnxLayerEmitter = std::string (*)(OnnxGraphBuilder& graph, Layer<float>& layer,
                                         const std::string& input);
// Adds the modules and state_dict tensors of `layer`.
using TorchLayerMapper = void (*)(TorchLayoutBuilder& builder, Layer<float>& layer);

struct LayerInterchange {
  const char* type;
  OnnxLayerEmitter onnx;   // null when it has no ONNX form...
  TorchLayerMapper torch;  // ...or no PyTorch form,
  const char* refusal;     // and then why
};

// The table: one entry per layer type.
const std::vector<LayerInterchange>& layer_interchange_table();
// The entry of `type`, or null.
const LayerInterchange* find_layer_interchange(std::string_view type);

}  // namespace scratchnet
