#include "scratchnet/io/model_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <span>

#include <zlib.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/train/config.h"

namespace scratchnet {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'R', 'N', 'T', 'M', 'D', 'L'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kMaxLayers = 10'000;
constexpr std::size_t kMaxAttributes = 256;  // per layer
constexpr std::size_t kMaxNameBytes = 256;   // layer types and attribute names

std::uint32_t crc32_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

void write_payload(ByteWriter& w, const Model& m) {
  const Architecture& arch = m.network->architecture();
  w.str(SCRATCHNET_VERSION);
  w.u8(m.task == Task::kClassification ? 0 : 1);
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
  w.str(m.loss);
  w.u64(m.class_names.size());
  for (const auto& s : m.class_names) w.str(s);
  w.u64(m.feature_names.size());
  for (const auto& s : m.feature_names) w.str(s);
  w.u8(static_cast<std::uint8_t>(m.scaler.kind()));
  w.floats(m.scaler.offset());
  w.floats(m.scaler.factor());
  w.str(m.config_toml);
  const auto& params = m.network->params();
  w.u64(params.size());
  for (const auto& p : params) {
    w.str(p.name);
    w.floats(p.value->span());
  }
  const auto& buffers = m.network->buffers();
  w.u64(buffers.size());
  for (const auto& b : buffers) {
    w.str(b.name);
    w.floats(b.value->span());
  }
}

// Reads `expected.size()` named tensors into the network's own tensors.
template <class Named>
void read_tensors(ByteReader& r, const std::vector<Named>& expected, const char* what,
                  const std::string& source) {
  const std::uint64_t count = r.count(what, 16);
  if (count != expected.size())
    throw_data("{}: {} {} stored, the architecture has {}", source, count, what, expected.size());
  for (const auto& t : expected) {
    const std::string name = r.str("tensor name");
    std::vector<float> values = r.floats("tensor values");
    if (name != t.name || values.size() != t.value->size())
      throw_data("{}: {} '{}' ({} values) does not match the architecture ('{}', {} values)",
                 source, what, name, values.size(), t.name, t.value->size());
    std::copy(values.begin(), values.end(), t.value->data());
  }
}

double product(const Shape& shape) {
  double n = 1;
  for (int i = 0; i < shape.rank(); ++i) n *= static_cast<double>(shape[i]);
  return n;
}

std::vector<std::string> read_names(ByteReader& r, const char* what) {
  const std::uint64_t n = r.count(what, 8);
  std::vector<std::string> names;
  names.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) names.push_back(r.str(what));
  return names;
}

}  // namespace

ArchitecturePlan plan_architecture(const Architecture& architecture) {
  ArchitecturePlan plan;
  const auto stop = [&](std::string problem, bool too_large) {
    plan.problem = std::move(problem);
    plan.too_large = too_large;
    return plan;
  };
  Shape shape = architecture.input_shape;
  if (shape.rank() == 0 || product(shape) == 0)
    return stop(fmt::format("input shape {} is empty", shape.str()), false);
  if (product(shape) > kMaxSampleValues)
    return stop(fmt::format("input shape {} has more than {:.0f} values", shape.str(), kMaxSampleValues), true);
  // Each layer type's own planner (the one its constructor uses), which
  // validates the settings against the type's schema and computes in double.
  for (const LayerSpec& spec : architecture.layers) {
    LayerPlan p;
    try {
      p = plan_layer(spec, shape);
    } catch (const Error& e) {
      return stop(fmt::format("layer {} ({}): {}", plan.planned + 1, spec.type, e.what()), false);
    }
    if (product(p.output) > kMaxSampleValues)
      return stop(fmt::format("layer {} ({}): its output of {:.0f} values per sample is over the limit of {:.0f}",
                              plan.planned + 1, spec.type, product(p.output), kMaxSampleValues),
                  true);
    plan.values += p.parameters + p.buffer_values;
    shape = p.output;
    ++plan.planned;
  }
  return plan;
}

std::string encode_model(const Model& model) {
  SCRATCHNET_CHECK(model.network != nullptr, "model has no network");
  ByteWriter payload;
  write_payload(payload, model);
  ByteWriter file;
  file.raw(kMagic, sizeof kMagic);
  file.u32(kModelFormatVersion);
  file.u64(payload.bytes().size());
  file.raw(payload.bytes().data(), payload.bytes().size());
  file.u32(crc32_of(payload.bytes()));
  return file.bytes();
}

void save_model(const Model& model, const std::string& path) {
  write_file_atomic(path, encode_model(model));
}

Model decode_model(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw_data("{}: not a scratchnet model file (bad magic number)", source);
  ByteReader header(bytes.substr(0, kHeaderBytes), source);
  header.u64("magic");
  const std::uint32_t version = header.u32("format version");
  if (version != kModelFormatVersion)
    throw_data("{}: model format version {} is not supported (this scratchnet reads version {})",
               source, version, kModelFormatVersion);
  const std::uint64_t size = header.u64("payload size");
  if (size != bytes.size() - kHeaderBytes - 4 || bytes.size() < kHeaderBytes + 4)
    throw_data("{}: file is truncated or corrupt (payload of {} bytes declared, {} present)",
               source, size, bytes.size() < kHeaderBytes + 4 ? 0 : bytes.size() - kHeaderBytes - 4);
  const std::string_view payload = bytes.substr(kHeaderBytes, size);
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + kHeaderBytes + size, 4);
  if (stored_crc != crc32_of(payload))
    throw_data("{}: checksum mismatch: the file is corrupt", source);

  ByteReader r(payload, source);
  Model m;
  r.str("writer version");
  const std::uint8_t task = r.u8("task");
  if (task > 1) throw_data("{}: corrupt model (task {})", source, task);
  m.task = task == 0 ? Task::kClassification : Task::kRegression;
  Architecture arch;
  const std::uint32_t rank = r.u32("input rank");
  if (rank < 1 || rank > 3) throw_data("{}: corrupt model (input rank {})", source, rank);
  std::vector<std::size_t> dims;
  for (std::uint32_t i = 0; i < rank; ++i) {
    const std::uint64_t d = r.u64("input shape");
    if (d == 0 || d > (1u << 30)) throw_data("{}: corrupt model (input dimension {})", source, d);
    dims.push_back(d);
  }
  arch.input_shape = rank == 1   ? Shape{dims[0]}
                     : rank == 2 ? Shape{dims[0], dims[1]}
                                 : Shape{dims[0], dims[1], dims[2]};
  const std::uint64_t layers = r.count("layer count", 16);
  if (layers == 0 || layers > kMaxLayers)
    throw_data("{}: corrupt model ({} layers)", source, layers);
  for (std::uint64_t i = 0; i < layers; ++i) {
    LayerSpec spec;
    spec.type = r.str("layer type");
    if (spec.type.empty() || spec.type.size() > kMaxNameBytes)
      throw_data("{}: corrupt model (layer {}: a type name of {} bytes)", source, i + 1,
                 spec.type.size());
    const std::uint64_t attrs = r.count("layer attributes", 16);
    if (attrs > kMaxAttributes)
      throw_data("{}: corrupt model (layer {}: {} attributes)", source, i + 1, attrs);
    for (std::uint64_t a = 0; a < attrs; ++a) {
      std::string key = r.str("attribute name");
      if (key.empty() || key.size() > kMaxNameBytes)
        throw_data("{}: corrupt model (layer {}: an attribute name of {} bytes)", source, i + 1,
                   key.size());
      const double value = r.f64("attribute value");
      if (!spec.attrs.emplace(std::move(key), value).second)
        throw_data("{}: corrupt model (layer {}: an attribute given twice)", source, i + 1);
    }
    arch.layers.push_back(std::move(spec));
  }
  m.loss = r.str("loss");
  const auto losses = registered_loss_types();
  if (std::find(losses.begin(), losses.end(), m.loss) == losses.end())
    throw_data("{}: corrupt model (unknown loss '{}')", source, m.loss);
  m.class_names = read_names(r, "class names");
  m.feature_names = read_names(r, "feature names");
  const std::uint8_t scaler_kind = r.u8("scaler kind");
  if (scaler_kind > 2) throw_data("{}: corrupt model (scaler kind {})", source, scaler_kind);
  std::vector<float> offset = r.floats("scaler offsets");
  std::vector<float> factor = r.floats("scaler factors");
  if (offset.size() != factor.size())
    throw_data("{}: corrupt model (scaler sizes {} and {})", source, offset.size(), factor.size());
  m.scaler = Scaler(static_cast<ScalerKind>(scaler_kind), std::move(offset), std::move(factor));
  m.config_toml = r.str("settings");

  // Size the architecture before building it: the tensors it needs must fit
  // in what is left of the file. A layer the plan cannot size is built alone
  // (after the planned ones, which fit) for the layer's own error message.
  const ArchitecturePlan plan = plan_architecture(arch);
  const double stored_values = static_cast<double>(r.remaining() / sizeof(float));
  if (plan.values > stored_values)
    throw_data(
        "{}: the stored architecture needs {:.0f} parameter values, the {} bytes left in the "
        "file hold at most {:.0f}: truncated or corrupt",
        source, plan.values, r.remaining(), stored_values);
  if (!plan.problem.empty()) {
    if (!plan.too_large && plan.planned < arch.layers.size()) {
      Architecture prefix{arch.input_shape,
                          {arch.layers.begin(), arch.layers.begin() + plan.planned + 1}};
      try {
        Network<float> probe(prefix);
      } catch (const Error& e) {
        throw_data("{}: the stored architecture is invalid: {}", source, e.what());
      }
    }
    throw_data("{}: the stored architecture is invalid: {}", source, plan.problem);
  }
  try {
    m.network = std::make_unique<Network<float>>(arch);
  } catch (const Error& e) {
    throw_data("{}: the stored architecture is invalid: {}", source, e.what());
  }
  read_tensors(r, m.network->params(), "parameter tensors", source);
  read_tensors(r, m.network->buffers(), "buffer tensors", source);
  if (r.remaining() != 0)
    throw_data("{}: {} unexpected bytes after the parameters", source, r.remaining());
  if (m.task == Task::kClassification &&
      m.class_names.size() != m.network->output_shape().elements())
    throw_data("{}: {} class names for {} outputs", source, m.class_names.size(),
               m.network->output_shape().elements());
  if (m.scaler.kind() != ScalerKind::kNone &&
      m.scaler.offset().size() != arch.input_shape.elements())
    throw_data("{}: scaler has {} features, the network takes {}", source, m.scaler.offset().size(),
               arch.input_shape.elements());
  return m;
}

Model load_model(const std::string& path) { return decode_model(read_text_file(path), path); }

ModelInfo verify_model(const std::string& path) {
  const std::string bytes = read_text_file(path);
  Model m = decode_model(bytes, path);
  ModelInfo info;
  std::memcpy(&info.format_version, bytes.data() + sizeof kMagic, 4);
  ByteReader payload(std::string_view(bytes).substr(kHeaderBytes), path);
  info.writer_version = payload.str("writer version");
  info.file_bytes = bytes.size();
  info.task = m.task;
  info.input_shape = m.network->input_shape();
  info.output_shape = m.network->output_shape();
  info.layers = m.network->size();
  info.parameters = m.network->parameter_count();
  for (const auto& b : m.network->buffers()) info.buffer_values += b.value->size();
  info.classes = m.class_names.size();

  // Every stored number must be finite: a NaN weight predicts NaN for everything.
  const auto check_finite = [&](std::span<const float> values, const std::string& what) {
    const auto bad =
        std::find_if(values.begin(), values.end(), [](float v) { return !std::isfinite(v); });
    if (bad != values.end())
      throw_data("{}: {} holds a non-finite value ({}) at index {}", path, what, *bad,
                 bad - values.begin());
  };
  for (std::size_t i = 0; i < m.network->size(); ++i) {
    Layer<float>& layer = m.network->layer(i);
    const std::string where = fmt::format("layer {} ({})", i + 1, layer.spec().type);
    for (const auto& p : layer.params()) check_finite(p.value->span(), where + " " + p.name);
    for (const auto& b : layer.buffers()) check_finite(b.value->span(), where + " " + b.name);
  }
  check_finite(m.scaler.offset(), "the scaler's offsets");
  check_finite(m.scaler.factor(), "the scaler's factors");
  // The settings are read back by `eval` and `plot`.
  try {
    TrainConfig config;
    config.load_toml_text(m.config_toml, path + " (stored settings)");
  } catch (const Error& e) {
    throw_data("{}", e.what());
  }
  return info;
}

}  // namespace scratchnet
