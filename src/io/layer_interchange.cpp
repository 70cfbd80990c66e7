#include "scratchnet/io/layer_interchange.h"

#include <cmath>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/json.h"
#include "scratchnet/io/onnx_export.h"
#include "scratchnet/io/torch_layout.h"
#include "scratchnet/layers/layer_tensor.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/layers/residual.h"

namespace scratchnet {
namespace {

using Attr = OnnxAttribute;
using Layout = TorchTensor::Layout;

// --- shared readers of a layer's settings and tensors ---

double attr(const Layer<float>& layer, const char* name) { return layer_attr(layer.spec(), name); }
std::int64_t int_attr(const Layer<float>& layer, const char* name) {
  return static_cast<std::int64_t>(attr(layer, name));
}
std::size_t size_attr(const Layer<float>& layer, const char* name) {
  return static_cast<std::size_t>(attr(layer, name));
}
std::int64_t dim(std::size_t n) { return static_cast<std::int64_t>(n); }

BasicTensor<float>& tensor_of(Layer<float>& layer, const char* name) {
  BasicTensor<float>* t = find_layer_tensor(layer, name);
  SCRATCHNET_CHECK(t != nullptr, "{} layer has no tensor {}", layer.spec().type, name);
  return *t;
}

// A JSON object of constructor arguments from (name, JSON value) pairs.
std::string args(std::initializer_list<std::pair<const char*, std::string>> items) {
  std::string s = "{";
  for (const auto& [name, value] : items)
    s += fmt::format("{}{}: {}", s.size() > 1 ? ", " : "", json_string(name), value);
  return s + "}";
}
std::string integer(double value) { return fmt::format("{}", static_cast<long long>(value)); }
std::string real(double value) { return fmt::format("{:.15g}", value); }

// --- layers that are one operator / one module without settings ---

template <const char* kOp>
std::string onnx_op(OnnxGraphBuilder& g, Layer<float>& /*layer*/, const std::string& x) {
  return g.node(kOp, {x});
}
template <const char* kModule>
void torch_module(TorchLayoutBuilder& b, Layer<float>& /*layer*/) {
  b.module(kModule, "{}");
}
constexpr char kSigmoid[] = "Sigmoid", kTanh[] = "Tanh", kRelu[] = "Relu", kReLU[] = "ReLU",
               kIdentity[] = "Identity", kFlatten[] = "Flatten", kGELU[] = "GELU", kSiLU[] = "SiLU";

std::string onnx_flatten(OnnxGraphBuilder& g, Layer<float>& /*layer*/, const std::string& x) {
  return g.node("Flatten", {x}, {Attr::integer("axis", 1)});
}

// --- dense ---

std::string onnx_dense(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  // Gemm needs (N, in): dense reads any input flattened.
  const std::string in = layer.input_shape().rank() == 1 ? x : onnx_flatten(g, layer, x);
  const std::int64_t inputs = dim(layer.input_shape().elements()), units = int_attr(layer, "units");
  const std::string w = g.constant("W", {inputs, units}, tensor_of(layer, "W"));
  const std::string b = g.constant("b", {units}, tensor_of(layer, "b"));
  return g.node("Gemm", {in, w, b});
}

void torch_dense(TorchLayoutBuilder& b, Layer<float>& layer) {
  const std::size_t in = layer.input_shape().elements(), out = size_attr(layer, "units");
  // nn.Linear needs (N, in).
  if (layer.input_shape().rank() != 1) b.module("Flatten", "{}");
  const std::string m =
      b.module("Linear", args({{"in_features", integer(static_cast<double>(in))},
                               {"out_features", integer(static_cast<double>(out))}}));
  b.tensor(m, "weight", {out, in}, Layout::kTransposed, &tensor_of(layer, "W"), "W");
  b.tensor(m, "bias", {out}, Layout::kSame, &tensor_of(layer, "b"), "b");
}

// --- conv2d ---

std::string onnx_conv2d(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  const std::int64_t k = int_attr(layer, "kernel"), s = int_attr(layer, "stride"),
                     p = int_attr(layer, "padding");
  const std::int64_t filters = int_attr(layer, "filters"), channels = dim(layer.input_shape()[0]);
  // (filters, C*k*k) rows in (c, ki, kj) order are ONNX's [out, in, kh, kw].
  const std::string w = g.constant("W", {filters, channels, k, k}, tensor_of(layer, "W"));
  const std::string b = g.constant("b", {filters}, tensor_of(layer, "b"));
  return g.node("Conv", {x, w, b},
                {Attr::integers("kernel_shape", {k, k}), Attr::integers("pads", {p, p, p, p}),
                 Attr::integers("strides", {s, s})});
}

void torch_conv2d(TorchLayoutBuilder& b, Layer<float>& layer) {
  const std::size_t c = layer.input_shape()[0], f = size_attr(layer, "filters"),
                    k = size_attr(layer, "kernel");
  const std::string m = b.module("Conv2d", args({{"in_channels", integer(static_cast<double>(c))},
                                                 {"out_channels", integer(attr(layer, "filters"))},
                                                 {"kernel_size", integer(attr(layer, "kernel"))},
                                                 {"stride", integer(attr(layer, "stride"))},
                                                 {"padding", integer(attr(layer, "padding"))}}));
  b.tensor(m, "weight", {f, c, k, k}, Layout::kSame, &tensor_of(layer, "W"), "W");
  b.tensor(m, "bias", {f}, Layout::kSame, &tensor_of(layer, "b"), "b");
}

// --- batch_norm ---

std::string onnx_batch_norm(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  // Inference form: y = gamma (x - running_mean) / sqrt(running_var + eps) + beta.
  const std::int64_t c = dim(layer.input_shape()[0]);
  std::vector<std::string> inputs = {x};
  for (const char* name : {"gamma", "beta", "running_mean", "running_var"})
    inputs.push_back(g.constant(name, {c}, tensor_of(layer, name)));
  return g.node("BatchNormalization", std::move(inputs),
                {Attr::real("epsilon", static_cast<float>(attr(layer, "eps")))});
}

void torch_batch_norm(TorchLayoutBuilder& b, Layer<float>& layer) {
  const std::size_t c = layer.input_shape()[0];
  const char* type = layer.input_shape().rank() == 1 ? "BatchNorm1d" : "BatchNorm2d";
  const std::string m = b.module(type, args({{"num_features", integer(static_cast<double>(c))},
                                             {"eps", real(attr(layer, "eps"))},
                                             {"momentum", real(1 - attr(layer, "momentum"))}}));
  b.tensor(m, "weight", {c}, Layout::kSame, &tensor_of(layer, "gamma"), "gamma");
  b.tensor(m, "bias", {c}, Layout::kSame, &tensor_of(layer, "beta"), "beta");
  for (const char* name : {"running_mean", "running_var"})
    b.tensor(m, name, {c}, Layout::kSame, &tensor_of(layer, name), name);
  b.tensor(m, "num_batches_tracked", {}, Layout::kBatchCount, nullptr, "batch count");
}

// --- pooling ---

std::string onnx_pool(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x,
                      const char* op) {
  const std::int64_t size = int_attr(layer, "size"), stride = int_attr(layer, "stride");
  return g.node(
      op, {x},
      {Attr::integers("kernel_shape", {size, size}), Attr::integers("strides", {stride, stride})});
}
std::string onnx_max_pool2d(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  return onnx_pool(g, layer, x, "MaxPool");
}
std::string onnx_avg_pool2d(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  return onnx_pool(g, layer, x, "AveragePool");
}

void torch_pool(TorchLayoutBuilder& b, Layer<float>& layer, const char* type) {
  b.module(type, args({{"kernel_size", integer(attr(layer, "size"))},
                       {"stride", integer(attr(layer, "stride"))}}));
}
void torch_max_pool2d(TorchLayoutBuilder& b, Layer<float>& layer) {
  torch_pool(b, layer, "MaxPool2d");
}
void torch_avg_pool2d(TorchLayoutBuilder& b, Layer<float>& layer) {
  torch_pool(b, layer, "AvgPool2d");
}

// --- dropout ---

std::string onnx_dropout(OnnxGraphBuilder& /*g*/, Layer<float>& /*layer*/, const std::string& x) {
  return x;  // the identity at inference
}
void torch_dropout(TorchLayoutBuilder& b, Layer<float>& layer) {
  b.module("Dropout", args({{"p", real(attr(layer, "rate"))}}));
}

// --- activations with a setting ---

std::string onnx_leaky_relu(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  return g.node("LeakyRelu", {x}, {Attr::real("alpha", static_cast<float>(attr(layer, "alpha")))});
}
void torch_leaky_relu(TorchLayoutBuilder& b, Layer<float>& layer) {
  b.module("LeakyReLU", args({{"negative_slope", real(attr(layer, "alpha"))}}));
}

std::string onnx_softmax(OnnxGraphBuilder& g, Layer<float>& /*layer*/, const std::string& x) {
  return g.node("Softmax", {x}, {Attr::integer("axis", -1)});
}
void torch_softmax(TorchLayoutBuilder& b, Layer<float>& /*layer*/) {
  b.module("Softmax", args({{"dim", "-1"}}));
}

// --- residual ---

std::string onnx_residual(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  auto& block = dynamic_cast<Residual<float>&>(layer);
  const std::string scope = g.scope();
  // Each branch's layers in order; the identity shortcut is x itself.
  auto chain = [&](const std::vector<std::unique_ptr<Layer<float>>>& layers, const char* branch) {
    std::string y = x;
    for (std::size_t i = 0; i < layers.size(); ++i) {
      g.enter(fmt::format("{}.{}{}.{}", scope, branch, i, layers[i]->spec().type));
      y = g.layer(*layers[i], y);
    }
    return y;
  };
  const std::string main = chain(block.main_branch(), "main");
  const std::string skip = chain(block.shortcut_branch(), "shortcut");
  g.enter(scope);
  return g.node("Relu", {g.node("Add", {main, skip})});
}

void torch_residual(TorchLayoutBuilder& b, Layer<float>& layer) {
  auto& block = dynamic_cast<Residual<float>&>(layer);
  const std::string m = b.module("Residual", "{}");
  b.branch(m, true, block.main_branch());
  b.branch(m, false, block.shortcut_branch());
}

// --- the layer types being added on main (see the header) ---

std::string onnx_gelu(OnnxGraphBuilder& g, Layer<float>& /*layer*/, const std::string& x) {
  // 0.5 x (1 + erf(x / sqrt 2)).
  const std::string scaled =
      g.node("Mul", {x, g.constant("inv_sqrt2", {}, {static_cast<float>(1 / std::sqrt(2.0))})});
  const std::string one_plus =
      g.node("Add", {g.node("Erf", {scaled}), g.constant("one", {}, {1.0f})});
  return g.node("Mul", {g.node("Mul", {x, one_plus}), g.constant("half", {}, {0.5f})});
}

std::string onnx_silu(OnnxGraphBuilder& g, Layer<float>& /*layer*/, const std::string& x) {
  return g.node("Mul", {x, g.node("Sigmoid", {x})});
}

std::string onnx_softplus(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  // (1/beta) log(1 + e^(beta x)); above the threshold scratchnet and PyTorch give x, which
  // the formula matches there to within e^-threshold.
  const double beta = attr(layer, "beta");
  if (beta == 1) return g.node("Softplus", {x});
  const std::string b = g.constant("beta", {}, {static_cast<float>(beta)});
  return g.node("Div", {g.node("Softplus", {g.node("Mul", {x, b})}), b});
}
void torch_softplus(TorchLayoutBuilder& b, Layer<float>& layer) {
  b.module("Softplus", args({{"beta", real(attr(layer, "beta"))},
                             {"threshold", real(attr(layer, "threshold"))}}));
}

std::string onnx_elu(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  return g.node("Elu", {x}, {Attr::real("alpha", static_cast<float>(attr(layer, "alpha")))});
}
void torch_elu(TorchLayoutBuilder& b, Layer<float>& layer) {
  b.module("ELU", args({{"alpha", real(attr(layer, "alpha"))}}));
}

std::string onnx_global_avg_pool2d(OnnxGraphBuilder& g, Layer<float>& layer, const std::string& x) {
  const std::string pooled = g.node("GlobalAveragePool", {x});  // (N, C, 1, 1)
  return layer.output_shape().rank() == 1 ? onnx_flatten(g, layer, pooled) : pooled;
}
void torch_global_avg_pool2d(TorchLayoutBuilder& b, Layer<float>& layer) {
  b.module("AdaptiveAvgPool2d", args({{"output_size", "1"}}));
  if (layer.output_shape().rank() == 1) b.module("Flatten", "{}");
}

}  // namespace

const std::vector<LayerInterchange>& layer_interchange_table() {
  // One entry per layer type of the registry (a test checks that none is missing).
  static const std::vector<LayerInterchange> table = {
      {"dense", &onnx_dense, &torch_dense, nullptr},
      {"batch_norm", &onnx_batch_norm, &torch_batch_norm, nullptr},
      {"dropout", &onnx_dropout, &torch_dropout, nullptr},
      {"conv2d", &onnx_conv2d, &torch_conv2d, nullptr},
      {"max_pool2d", &onnx_max_pool2d, &torch_max_pool2d, nullptr},
      {"avg_pool2d", &onnx_avg_pool2d, &torch_avg_pool2d, nullptr},
      {"flatten", &onnx_flatten, &torch_module<kFlatten>, nullptr},
      {"residual", &onnx_residual, &torch_residual, nullptr},
      {"sigmoid", &onnx_op<kSigmoid>, &torch_module<kSigmoid>, nullptr},
      {"tanh", &onnx_op<kTanh>, &torch_module<kTanh>, nullptr},
      {"relu", &onnx_op<kRelu>, &torch_module<kReLU>, nullptr},
      {"leaky_relu", &onnx_leaky_relu, &torch_leaky_relu, nullptr},
      {"identity", &onnx_op<kIdentity>, &torch_module<kIdentity>, nullptr},
      {"softmax", &onnx_softmax, &torch_softmax, nullptr},
      {"gelu", &onnx_gelu, &torch_module<kGELU>, nullptr},
      {"elu", &onnx_elu, &torch_elu, nullptr},
      {"silu", &onnx_silu, &torch_module<kSiLU>, nullptr},
      {"softplus", &onnx_softplus, &torch_softplus, nullptr},
      {"global_avg_pool2d", &onnx_global_avg_pool2d, &torch_global_avg_pool2d, nullptr},
  };
  return table;
}

const LayerInterchange* find_layer_interchange(std::string_view type) {
  for (const LayerInterchange& entry : layer_interchange_table())
    if (type == entry.type) return &entry;
  return nullptr;
}

}  // namespace scratchnet
