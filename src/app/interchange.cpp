#include "scratchnet/app/interchange.h"

#include <algorithm>

#include <fmt/format.h>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/train/config.h"

namespace scratchnet {
namespace {

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// "28, 28)" of (1, 28, 28): the dimensions after the batch's "(N, ".
std::string rest_of_dims(const Shape& shape) { return shape.str().substr(1); }

}  // namespace

ExportFormat parse_export_format(const std::string& text) {
  if (text == "onnx") return ExportFormat::kOnnx;
  if (text == "safetensors") return ExportFormat::kSafetensors;
  throw_usage("--format: '{}' is not one of onnx, safetensors", text);
}

std::string to_string(ExportFormat format) {
  return format == ExportFormat::kOnnx ? "onnx" : "safetensors";
}

ExportSummary export_model(const Model& model, ExportFormat format, const std::string& path,
                           const OnnxExportOptions& onnx) {
  SCRATCHNET_CHECK(model.network != nullptr, "model has no network");
  ExportSummary summary;
  const InputPreprocessing input = input_preprocessing(model);
  const Network<float>& net = *model.network;
  std::string bytes;
  if (format == ExportFormat::kOnnx) {
    OnnxExport result = export_onnx(model, input, onnx);
    bytes = encode_onnx(result.model);
    summary.notes = std::move(result.notes);
    summary.description = fmt::format(
        "ONNX opset {}, IR version {}, {} nodes, {} parameters; input '{}' (N, {} -> output '{}' "
        "(N, {}",
        result.model.opset, result.model.ir_version, result.model.nodes.size(),
        net.parameter_count(), result.model.inputs[0].name, rest_of_dims(net.input_shape()),
        result.model.outputs[0].name, rest_of_dims(net.output_shape()));
  } else {
    bytes = encode_safetensors_weights(model, input);
    summary.description = fmt::format(
        "safetensors: the state_dict of the network's torch.nn.Sequential ({} parameters); its "
        "modules, the architecture and the preprocessing in __metadata__",
        net.parameter_count());
    if (input.encoding != nullptr)
      summary.notes.push_back(
          fmt::format("the weights take the encoded feature vector; __metadata__ 'encoding' "
                      "describes the encoding of the table's raw columns ({})",
                      input.encoding->describe()));
  }
  write_file_atomic(path, bytes);
  summary.bytes = bytes.size();
  return summary;
}

Model model_like(const std::string& path) {
  if (!ends_with(path, ".toml")) return load_model(path);
  // A config: the network it describes over the data set it names, without preprocessing.
  TrainConfig config;
  config.load_toml_file(path, {"experiment"});
  config.set("data.scale", "none");
  const PreparedData data = load_and_split(config);
  const TrainConfig resolved = config.resolved(data.train.is_image());
  Model model;
  model.task = data.train.task;
  model.loss = model.task == Task::kClassification ? "softmax_cross_entropy" : "mse";
  model.class_names = data.train.class_names;
  model.feature_names = data.train.feature_names;
  model.config_toml = resolved.to_toml();
  model.network = std::make_unique<Network<float>>(
      Architecture{data.train.sample_shape, resolved.network_layers(data.train.num_outputs())});
  Rng rng = run_stream(resolved.seed, RunStream::kInit);
  model.network->initialize(resolved.init, rng);
  return model;
}

WeightImport import_weights(Model& model, const std::string& path) {
  const std::string bytes = read_text_file(path);
  return import_safetensors_weights(model, parse_safetensors(bytes, path), path);
}

void load_initial_weights(Network<float>& network, const std::string& path) {
  const Model from = load_model(path);
  const Architecture& want = network.architecture();
  const Architecture& have = from.network->architecture();
  if (have.input_shape != want.input_shape)
    throw_usage("model.init_from: {} takes inputs {}, this run's network {}", path,
                have.input_shape.str(), want.input_shape.str());
  for (std::size_t i = 0; i < std::max(have.layers.size(), want.layers.size()); ++i) {
    const bool both = i < have.layers.size() && i < want.layers.size();
    if (!both || !(have.layers[i] == want.layers[i]))
      throw_usage("model.init_from: layer {} of {} is {}, this run's network has {} there", i + 1,
                  path, i < have.layers.size() ? have.layers[i].str() : "nothing",
                  i < want.layers.size() ? want.layers[i].str() : "nothing");
  }
  network.restore(from.network->snapshot());
}

}  // namespace scratchnet
