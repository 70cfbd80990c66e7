#include "scratchnet/io/safetensors_weights.h"

#include <bit>
#include <cmath>
#include <cstring>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/io/model_description.h"
#include "scratchnet/io/torch_layout.h"

namespace scratchnet {
namespace {

static_assert(std::endian::native == std::endian::little,
              "safetensors data is little-endian, as this host");

std::string shape_text(const std::vector<std::size_t>& shape) {
  return fmt::format("[{}]", fmt::join(shape, ", "));
}

// The PyTorch-order values of `t`: as stored, or the stored (rows, cols) matrix transposed.
std::vector<float> torch_values(const TorchTensor& t) {
  const BasicTensor<float>& v = *t.value;
  if (t.layout != TorchTensor::Layout::kTransposed)
    return std::vector<float>(v.data(), v.data() + v.size());
  // PyTorch's [out, in] from scratchnet's (in, out).
  const std::size_t out = t.shape[0], in = t.shape[1];
  std::vector<float> values(v.size());
  for (std::size_t i = 0; i < in; ++i)
    for (std::size_t o = 0; o < out; ++o) values[o * in + i] = v.data()[i * out + o];
  return values;
}

// The file's values of tensor `f` as floats (F32 or F64).
std::vector<float> file_values(const SafetensorsTensor& f) {
  const std::size_t size = f.dtype == "F32" ? 4 : 8;
  std::vector<float> values(f.data.size() / size);
  if (f.dtype == "F32") {
    if (!values.empty()) std::memcpy(values.data(), f.data.data(), f.data.size());
  } else {
    for (std::size_t i = 0; i < values.size(); ++i) {
      double d;
      std::memcpy(&d, f.data.data() + i * 8, 8);
      values[i] = static_cast<float>(d);
    }
  }
  return values;
}

}  // namespace

std::string encode_safetensors_weights(const Model& model) {
  return encode_safetensors_weights(model, input_preprocessing(model));
}

std::string encode_safetensors_weights(const Model& model, const InputPreprocessing& input) {
  SCRATCHNET_CHECK(model.network != nullptr, "model has no network");
  const TorchLayout layout = torch_layout(*model.network);
  // The bytes of every tensor, kept here while the file is assembled.
  std::vector<std::string> data;
  std::vector<SafetensorsTensor> tensors;
  data.reserve(layout.tensors.size());
  for (const TorchTensor& t : layout.tensors) {
    std::vector<std::uint64_t> shape(t.shape.begin(), t.shape.end());
    if (t.layout == TorchTensor::Layout::kBatchCount) {
      data.emplace_back(8, '\0');  // int64 0: scratchnet does not count batches
      tensors.push_back({t.name, "I64", shape, data.back()});
      continue;
    }
    const std::vector<float> values = torch_values(t);
    data.emplace_back(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    tensors.push_back({t.name, "F32", shape, data.back()});
  }
  std::vector<std::pair<std::string, std::string>> meta = {
      {"format", "pt"},
      {"scratchnet_version", SCRATCHNET_VERSION},
      {"task", task_name(model.task)},
  };
  if (model.task == Task::kClassification)
    meta.emplace_back("class_names", json_string_array(model.class_names));
  if (!model.feature_names.empty())
    meta.emplace_back("feature_names", json_string_array(model.feature_names));
  meta.emplace_back("architecture", architecture_json(model.network->architecture()));
  meta.emplace_back("preprocessing", preprocessing_json(input));
  meta.emplace_back("torch_modules", torch_modules_json(layout.modules));
  if (input.encoding != nullptr)
    meta.emplace_back("encoding", tabular_encoding_json(*input.encoding));
  return encode_safetensors(tensors, meta);
}

WeightImport import_safetensors_weights(Model& model, const SafetensorsFile& file,
                                        const std::string& source) {
  SCRATCHNET_CHECK(model.network != nullptr, "model has no network");
  const TorchLayout layout = torch_layout(*model.network);
  // Check every tensor first; copy only when all of them fit.
  std::set<std::string> expected;
  std::vector<std::pair<const TorchTensor*, std::vector<float>>> copies;
  for (const TorchTensor& t : layout.tensors) {
    expected.insert(t.name);
    const SafetensorsTensor* f = file.find(t.name);
    if (t.layout == TorchTensor::Layout::kBatchCount) continue;  // optional, ignored
    if (f == nullptr) {
      std::vector<std::string> held;
      for (const SafetensorsTensor& h : file.tensors) held.push_back(h.name);
      if (held.size() > 12) held.resize(12), held.emplace_back("...");
      throw_data("{}: tensor '{}' ({}, {} {}) is missing; the file holds {} tensors: {}", source,
                 t.name, t.origin,
                 t.layout == TorchTensor::Layout::kTransposed ? "PyTorch's [out, in]" : "shape",
                 shape_text(t.shape), file.tensors.size(), fmt::join(held, ", "));
    }
    const std::vector<std::size_t> shape(f->shape.begin(), f->shape.end());
    if (shape != t.shape)
      throw_data("{}: tensor '{}' has shape {}, the network's {} needs {}", source, t.name,
                 shape_text(shape), t.origin, shape_text(t.shape));
    if (f->dtype != "F32" && f->dtype != "F64")
      throw_data("{}: tensor '{}' ({}) is {}: scratchnet imports F32 or F64 weights", source,
                 t.name, t.origin, f->dtype);
    std::vector<float> values = file_values(*f);
    for (std::size_t i = 0; i < values.size(); ++i)
      if (!std::isfinite(values[i]))
        throw_data("{}: tensor '{}' ({}) holds a non-finite value ({}) at index {}", source, t.name,
                   t.origin, values[i], i);
    copies.emplace_back(&t, std::move(values));
  }
  for (const SafetensorsTensor& f : file.tensors)
    if (!expected.contains(f.name))
      throw_data(
          "{}: tensor '{}' has no place in the network (its PyTorch form has {} tensors, e.g. "
          "'{}'): "
          "another architecture?",
          source, f.name, expected.size(),
          layout.tensors.empty() ? "" : layout.tensors.front().name);

  WeightImport report;
  for (auto& [t, values] : copies) {
    BasicTensor<float>& v = *t->value;
    if (t->layout == TorchTensor::Layout::kTransposed) {
      // scratchnet's (in, out) from PyTorch's [out, in].
      const std::size_t out = t->shape[0], in = t->shape[1];
      for (std::size_t o = 0; o < out; ++o)
        for (std::size_t i = 0; i < in; ++i) v.data()[i * out + o] = values[o * in + i];
    } else {
      std::copy(values.begin(), values.end(), v.data());
    }
    ++report.tensors;
    report.values += values.size();
  }
  return report;
}

}  // namespace scratchnet
