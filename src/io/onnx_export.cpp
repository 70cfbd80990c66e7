#include "scratchnet/io/onnx_export.h"

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/layer_interchange.h"
#include "scratchnet/io/model_description.h"

namespace scratchnet {
namespace {

using Attr = OnnxAttribute;

std::int64_t dim(std::size_t n) { return static_cast<std::int64_t>(n); }

// The scaler x' = (x - offset) * factor, as Sub and Mul over constants of the
// sample's shape, or (C, 1, 1) when every value of a channel is equal.
std::string scaler_nodes(OnnxGraphBuilder& g, const Scaler& scaler, const Shape& sample,
                         const std::string& x) {
  if (scaler.kind() == ScalerKind::kNone || scaler.offset().empty()) return x;
  SCRATCHNET_CHECK(scaler.offset().size() == sample.elements(),
                   "scaler of {} features for inputs {}", scaler.offset().size(), sample.str());
  std::vector<std::int64_t> dims;
  for (int a = 0; a < sample.rank(); ++a) dims.push_back(dim(sample[a]));
  std::vector<float> offset = scaler.offset(), factor = scaler.factor();
  if (sample.rank() == 3) {
    const std::size_t channels = sample[0], plane = sample[1] * sample[2];
    bool per_channel = true;
    for (std::size_t i = 0; i < offset.size() && per_channel; ++i)
      per_channel =
          offset[i] == offset[i / plane * plane] && factor[i] == factor[i / plane * plane];
    if (per_channel) {
      std::vector<float> o(channels), f(channels);
      for (std::size_t c = 0; c < channels; ++c) {
        o[c] = offset[c * plane];
        f[c] = factor[c * plane];
      }
      offset = std::move(o);
      factor = std::move(f);
      dims = {dim(channels), 1, 1};
    }
  }
  g.enter("scaler");
  const std::string centred = g.node("Sub", {x, g.constant("offset", dims, std::move(offset))});
  return g.node("Mul", {centred, g.constant("factor", dims, std::move(factor))});
}

// Per-channel normalisation of images, (x - mean[c]) / std[c], as Sub and Div.
std::string channel_nodes(OnnxGraphBuilder& g, const InputPreprocessing& p, const Shape& sample,
                          const std::string& x) {
  if (p.channel_mean.empty()) return x;
  SCRATCHNET_CHECK(
      sample.rank() == 3 && p.channel_mean.size() == sample[0] && p.channel_std.size() == sample[0],
      "{} channel statistics for inputs {}", p.channel_mean.size(), sample.str());
  const std::vector<std::int64_t> dims = {dim(sample[0]), 1, 1};
  g.enter("normalise");
  const std::string centred = g.node("Sub", {x, g.constant("mean", dims, p.channel_mean)});
  return g.node("Div", {centred, g.constant("std", dims, p.channel_std)});
}

OnnxValueInfo batch_value(const std::string& name, const Shape& sample) {
  OnnxValueInfo v{name, {0}, {"N"}};
  for (int a = 0; a < sample.rank(); ++a) {
    v.dims.push_back(dim(sample[a]));
    v.symbols.emplace_back();
  }
  return v;
}

std::string shape_words(const Shape& sample) { return "(N, " + sample.str().substr(1); }

}  // namespace

std::string OnnxGraphBuilder::node(const std::string& op, std::vector<std::string> inputs,
                                   std::vector<OnnxAttribute> attributes) {
  std::string output = fmt::format("{}/{}_{}", scope_, op, values_++);
  model_.nodes.push_back({op, std::move(inputs), {output}, output, std::move(attributes)});
  return output;
}

std::string OnnxGraphBuilder::constant(const std::string& name, std::vector<std::int64_t> dims,
                                       std::vector<float> values) {
  std::string full = scope_ + "." + name;
  model_.initializers.push_back({full, std::move(dims), std::move(values)});
  return full;
}

std::string OnnxGraphBuilder::constant(const std::string& name, std::vector<std::int64_t> dims,
                                       const BasicTensor<float>& values) {
  return constant(name, std::move(dims),
                  std::vector<float>(values.data(), values.data() + values.size()));
}

std::string OnnxGraphBuilder::layer(Layer<float>& layer, const std::string& input) {
  const std::string& type = layer.spec().type;
  const LayerInterchange* entry = find_layer_interchange(type);
  if (entry == nullptr || entry->onnx == nullptr)
    throw_usage("{}: a {} layer cannot be exported to ONNX: {}", scope_, type,
                entry ? entry->refusal : "no ONNX form is known for this layer type");
  return entry->onnx(*this, layer, input);
}

OnnxExport export_onnx(const Model& model, const OnnxExportOptions& options) {
  return export_onnx(model, input_preprocessing(model), options);
}

OnnxExport export_onnx(const Model& model, const InputPreprocessing& input,
                       const OnnxExportOptions& options) {
  SCRATCHNET_CHECK(model.network != nullptr, "model has no network");
  if (options.opset < kOnnxMinOpset || options.opset > kOnnxMaxOpset)
    throw_usage("ONNX opset {} is not supported: choose {} to {}", options.opset, kOnnxMinOpset,
                kOnnxMaxOpset);
  Network<float>& net = *model.network;
  const Shape& sample = net.input_shape();
  const bool classify = model.task == Task::kClassification;
  OnnxExport result;
  OnnxModel& m = result.model;
  m.opset = options.opset;
  m.producer_name = "scratchnet";
  m.producer_version = SCRATCHNET_VERSION;
  m.graph_name = "scratchnet";
  m.doc_string = "scratchnet model: preprocessing (scaler), network" +
                 std::string(classify && options.softmax ? ", softmax" : "");

  // Refuse before building anything: the first layer without an ONNX form.
  for (std::size_t i = 0; i < net.size(); ++i) {
    const std::string& type = net.layer(i).spec().type;
    const LayerInterchange* entry = find_layer_interchange(type);
    if (entry == nullptr || entry->onnx == nullptr)
      throw_usage("layer {} ({}) cannot be exported to ONNX: {}", i + 1, type,
                  entry ? entry->refusal : "no ONNX form is known for this layer type");
  }

  OnnxGraphBuilder g(m, options.opset);
  m.inputs.push_back(batch_value("input", sample));
  std::string x = scaler_nodes(g, input.scaler, sample, channel_nodes(g, input, sample, "input"));
  for (std::size_t i = 0; i < net.size(); ++i) {
    g.enter(fmt::format("layer{}.{}", i + 1, net.layer(i).spec().type));
    x = g.layer(net.layer(i), x);
  }
  std::string output_name = classify ? "logits" : "outputs";
  if (classify && options.softmax) {
    g.enter("output");
    x = g.node("Softmax", {x}, {Attr::integer("axis", -1)});
    output_name = "probabilities";
  }
  // The last node's output becomes the graph output (an Identity when the
  // value is the input itself or a constant).
  if (m.nodes.empty() || m.nodes.back().outputs[0] != x) {
    g.enter("output");
    x = g.node("Identity", {x});
  }
  m.nodes.back().outputs[0] = output_name;
  m.outputs.push_back(batch_value(output_name, net.output_shape()));

  // What the graph is, for whoever loads it.
  auto& meta = m.metadata;
  meta.emplace_back("scratchnet_version", SCRATCHNET_VERSION);
  meta.emplace_back("task", task_name(model.task));
  if (classify) meta.emplace_back("class_names", json_string_array(model.class_names));
  if (!model.feature_names.empty())
    meta.emplace_back("feature_names", json_string_array(model.feature_names));
  meta.emplace_back("architecture", architecture_json(net.architecture()));
  meta.emplace_back("preprocessing", preprocessing_json(input));
  std::string input_words = fmt::format(
      "{} float32: the features as the data set gives them (images: pixel / 255, in [0, 1])",
      shape_words(sample));
  if (input.encoding != nullptr) {
    input_words =
        fmt::format("{} float32: the encoded feature vector (see 'encoding')", shape_words(sample));
    meta.emplace_back("encoding", tabular_encoding_json(*input.encoding));
    result.notes.push_back(fmt::format(
        "the graph takes the encoded feature vector ({} features); the encoding of the "
        "table's raw columns ({}) is not part of it: metadata_props 'encoding' describes it",
        sample.elements(), input.encoding->describe()));
  }
  const bool scaled = input.scaler.kind() != ScalerKind::kNone;
  const std::string steps = !input.channel_mean.empty() && scaled
                                ? "per-channel normalisation and scaling"
                            : !input.channel_mean.empty() ? "per-channel normalisation"
                            : scaled ? to_string(input.scaler.kind()) + " scaling"
                                     : "";
  meta.emplace_back(
      "input",
      input_words + (steps.empty() ? "; no scaling" : "; the " + steps + " is part of the graph"));
  meta.emplace_back(
      "output",
      classify ? fmt::format("{} (N, {}): {} of the classes in class_names order", output_name,
                             net.output_shape()[0],
                             options.softmax ? "probabilities (Softmax)" : "logits")
               : fmt::format("outputs (N, {}): the regression outputs", net.output_shape()[0]));
  return result;
}

}  // namespace scratchnet
