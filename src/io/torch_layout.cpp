#include "scratchnet/io/torch_layout.h"

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/json.h"
#include "scratchnet/io/layer_interchange.h"

namespace scratchnet {

std::string TorchLayoutBuilder::module(std::string type, std::string args_json) {
  const std::string name = prefix_ + std::to_string(modules_->size());
  modules_->push_back({std::move(type), std::move(args_json), layer_index, {}, {}});
  return name;
}

void TorchLayoutBuilder::tensor(const std::string& module_name, const std::string& tensor_name,
                                std::vector<std::size_t> shape, TorchTensor::Layout layout,
                                BasicTensor<float>* value, const std::string& what) {
  layout_.tensors.push_back(
      {module_name + "." + tensor_name, std::move(shape), layout, value, context_ + what});
}

void TorchLayoutBuilder::layer(Layer<float>& layer) {
  const std::string& type = layer.spec().type;
  const LayerInterchange* entry = find_layer_interchange(type);
  if (entry == nullptr || entry->torch == nullptr)
    throw_usage("layer {} ({}) has no PyTorch form: {}", layer_index + 1, type,
                entry ? entry->refusal : "no PyTorch form is known for this layer type");
  // Messages name the top-level layer, then the block's branch and inner type.
  const std::string saved = context_;
  context_ = prefix_.empty() ? fmt::format("layer {} ({}): ", layer_index + 1, type)
                             : context_ + type + " ";
  entry->torch(*this, layer);
  context_ = saved;
}

void TorchLayoutBuilder::branch(const std::string& module_name, bool main,
                                const std::vector<std::unique_ptr<Layer<float>>>& layers) {
  // The block's children go into its `main` or `shortcut` list, named under it.
  std::vector<TorchModule>* saved_modules = modules_;
  const std::string saved_prefix = prefix_, saved_context = context_;
  const char* name = main ? "main" : "shortcut";
  TorchModule& block = modules_->back();
  modules_ = main ? &block.main : &block.shortcut;
  prefix_ = fmt::format("{}.{}.", module_name, name);
  context_ += std::string(name) + " ";
  for (const auto& inner : layers) layer(*inner);
  modules_ = saved_modules;
  prefix_ = saved_prefix;
  context_ = saved_context;
}

TorchLayout torch_layout(Network<float>& network) {
  TorchLayout layout;
  TorchLayoutBuilder builder(layout);
  for (std::size_t i = 0; i < network.size(); ++i) {
    builder.layer_index = i;
    builder.layer(network.layer(i));
  }
  // Every parameter and buffer of the network has its place.
  std::size_t mapped = 0;
  for (const TorchTensor& t : layout.tensors) mapped += t.value != nullptr;
  SCRATCHNET_CHECK(mapped == network.params().size() + network.buffers().size(),
                   "{} tensors mapped, the network has {} parameters and {} buffers", mapped,
                   network.params().size(), network.buffers().size());
  return layout;
}

std::string torch_modules_json(const std::vector<TorchModule>& modules) {
  std::string s = "[";
  for (std::size_t i = 0; i < modules.size(); ++i) {
    const TorchModule& m = modules[i];
    s += fmt::format("{}{{\"type\": {}, \"args\": {}, \"layer\": {}", i ? ", " : "",
                     json_string(m.type), m.args_json, m.layer);
    if (m.type == "Residual")
      s += fmt::format(", \"main\": {}, \"shortcut\": {}", torch_modules_json(m.main),
                       torch_modules_json(m.shortcut));
    s += "}";
  }
  return s + "]";
}

}  // namespace scratchnet
