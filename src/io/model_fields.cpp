#include "model_fields.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/core/error.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/losses/loss.h"

namespace scratchnet::model_fields {
namespace {

constexpr std::size_t kMaxLayers = 10'000;
constexpr std::size_t kMaxAttributes = 256;  // per layer
constexpr std::size_t kMaxNameBytes = 256;   // layer types and attribute names
constexpr std::uint64_t kMaxImageSide = 1 << 16;

}  // namespace

void write_architecture(ByteWriter& w, const Architecture& arch) {
  w.u32(static_cast<std::uint32_t>(arch.input_shape.rank()));
  for (int i = 0; i < arch.input_shape.rank(); ++i) w.u64(arch.input_shape[i]);
  w.u64(arch.layers.size());
  for (const auto& spec : arch.layers) {
    w.str(spec.type);
    w.u64(spec.attrs.size());
    for (const auto& [key, value] : spec.attrs) {
      w.str(key);
      w.f64(value);
    }
  }
}

Architecture read_architecture(ByteReader& r, const std::string& source) {
  Architecture arch;
  const std::uint32_t rank = r.u32("input rank");
  if (rank < 1 || rank > 3) throw_data("{}: corrupt model (input rank {})", source, rank);
  std::vector<std::size_t> dims;
  for (std::uint32_t i = 0; i < rank; ++i) {
    const std::uint64_t d = r.u64("input shape");
    if (d == 0 || d > (1u << 30)) throw_data("{}: corrupt model (input dimension {})", source, d);
    dims.push_back(d);
  }
  arch.input_shape = rank == 1 ? Shape{dims[0]} : rank == 2 ? Shape{dims[0], dims[1]} : Shape{dims[0], dims[1], dims[2]};
  const std::uint64_t layers = r.count("layer count", 16);
  if (layers == 0 || layers > kMaxLayers) throw_data("{}: corrupt model ({} layers)", source, layers);
  for (std::uint64_t i = 0; i < layers; ++i) {
    LayerSpec spec;
    spec.type = r.str("layer type");
    if (spec.type.empty() || spec.type.size() > kMaxNameBytes)
      throw_data("{}: corrupt model (layer {}: a type name of {} bytes)", source, i + 1, spec.type.size());
    const std::uint64_t attrs = r.count("layer attributes", 16);
    if (attrs > kMaxAttributes) throw_data("{}: corrupt model (layer {}: {} attributes)", source, i + 1, attrs);
    for (std::uint64_t a = 0; a < attrs; ++a) {
      std::string key = r.str("attribute name");
      if (key.empty() || key.size() > kMaxNameBytes)
        throw_data("{}: corrupt model (layer {}: an attribute name of {} bytes)", source, i + 1, key.size());
      const double value = r.f64("attribute value");
      if (!spec.attrs.emplace(std::move(key), value).second)
        throw_data("{}: corrupt model (layer {}: an attribute given twice)", source, i + 1);
    }
    arch.layers.push_back(std::move(spec));
  }
  return arch;
}

void write_names(ByteWriter& w, const std::vector<std::string>& names) {
  w.u64(names.size());
  for (const auto& s : names) w.str(s);
}

std::vector<std::string> read_names(ByteReader& r, const char* what) {
  const std::uint64_t n = r.count(what, 8);
  std::vector<std::string> names;
  names.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) names.push_back(r.str(what));
  return names;
}

void write_scaler(ByteWriter& w, const Scaler& scaler) {
  w.u8(static_cast<std::uint8_t>(scaler.kind()));
  w.floats(scaler.offset());
  w.floats(scaler.factor());
}

Scaler read_scaler(ByteReader& r, const std::string& source) {
  const std::uint8_t kind = r.u8("scaler kind");
  if (kind > 2) throw_data("{}: corrupt model (scaler kind {})", source, kind);
  std::vector<float> offset = r.floats("scaler offsets");
  std::vector<float> factor = r.floats("scaler factors");
  if (offset.size() != factor.size())
    throw_data("{}: corrupt model (scaler sizes {} and {})", source, offset.size(), factor.size());
  return Scaler(static_cast<ScalerKind>(kind), std::move(offset), std::move(factor));
}

std::string read_loss(ByteReader& r, const std::string& source) {
  std::string loss = r.str("loss");
  const auto losses = registered_loss_types();
  if (std::find(losses.begin(), losses.end(), loss) == losses.end())
    throw_data("{}: corrupt model (unknown loss '{}')", source, loss);
  return loss;
}

Task read_task(ByteReader& r, const std::string& source) {
  const std::uint8_t task = r.u8("task");
  if (task > 1) throw_data("{}: corrupt model (task {})", source, task);
  return task == 0 ? Task::kClassification : Task::kRegression;
}

void write_image(ByteWriter& w, const ImageSettings& image) {
  w.u64(image.height);
  w.u64(image.width);
  w.u64(image.channels);
  w.floats(image.mean);
  w.floats(image.std);
}

ImageSettings read_image(ByteReader& r, const std::string& source) {
  ImageSettings image;
  image.height = r.u64("image height");
  image.width = r.u64("image width");
  image.channels = r.u64("image channels");
  if (image.height == 0 || image.width == 0 || image.height > kMaxImageSide || image.width > kMaxImageSide ||
      (image.channels != 1 && image.channels != 3))
    throw_data("{}: corrupt model (image settings {}x{}x{})", source, image.channels, image.height, image.width);
  image.mean = r.floats("image channel means");
  image.std = r.floats("image channel deviations");
  if (image.mean.size() != image.std.size() || (!image.mean.empty() && image.mean.size() != image.channels))
    throw_data("{}: corrupt model (image normalisation of {} and {} values for {} channels)", source,
               image.mean.size(), image.std.size(), image.channels);
  for (std::size_t c = 0; c < image.std.size(); ++c)
    if (!std::isfinite(image.mean[c]) || !(image.std[c] > 0) || !std::isfinite(image.std[c]))
      throw_data("{}: corrupt model (image normalisation of channel {})", source, c);
  return image;
}

std::unique_ptr<Network<float>> build_network(const Architecture& arch, std::size_t stored_bytes,
                                              const std::string& source) {
  // Size the architecture before building it: the tensors it needs must fit
  // in what the file holds. A layer the plan cannot size is built alone
  // (after the planned ones, which fit) for the layer's own error message.
  const ArchitecturePlan plan = plan_architecture(arch);
  const double stored_values = static_cast<double>(stored_bytes / sizeof(float));
  if (plan.values > stored_values)
    throw_data(
        "{}: the stored architecture needs {:.0f} parameter values, the {} bytes left in the "
        "file hold at most {:.0f}: truncated or corrupt",
        source, plan.values, stored_bytes, stored_values);
  if (!plan.problem.empty()) {
    if (!plan.too_large && plan.planned < arch.layers.size()) {
      Architecture prefix{arch.input_shape, {arch.layers.begin(), arch.layers.begin() + plan.planned + 1}};
      try {
        Network<float> probe(prefix);
      } catch (const Error& e) {
        throw_data("{}: the stored architecture is invalid: {}", source, e.what());
      }
    }
    throw_data("{}: the stored architecture is invalid: {}", source, plan.problem);
  }
  try {
    return std::make_unique<Network<float>>(arch);
  } catch (const Error& e) {
    throw_data("{}: the stored architecture is invalid: {}", source, e.what());
  }
}

void check_consistency(const Model& m, const std::string& source) {
  const Shape& input = m.network->input_shape();
  if (m.task == Task::kClassification && m.class_names.size() != m.network->output_shape().elements())
    throw_data("{}: {} class names for {} outputs", source, m.class_names.size(),
               m.network->output_shape().elements());
  if (m.scaler.kind() != ScalerKind::kNone && m.scaler.offset().size() != input.elements())
    throw_data("{}: scaler has {} features, the network takes {}", source, m.scaler.offset().size(),
               input.elements());
  if (m.tabular && m.tabular->output_width() != input.elements())
    throw_data("{}: the table preprocessing gives {} features, the network takes {}", source,
               m.tabular->output_width(), input.elements());
  if (m.image && !(input == Shape{m.image->channels, m.image->height, m.image->width}))
    throw_data("{}: the image settings ({}x{}x{}) do not match the network's input {}", source, m.image->channels,
               m.image->height, m.image->width, input.str());
}

}  // namespace scratchnet::model_fields
