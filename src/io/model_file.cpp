#include "scratchnet/io/model_file.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <span>

#include <zlib.h>

#include "model_fields.h"
#include "scratchnet/core/binary.h"
#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/train/config.h"

namespace scratchnet {
namespace {

using namespace model_fields;

constexpr char kMagic[8] = {'S', 'C', 'R', 'N', 'T', 'M', 'D', 'L'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kMaxSections = 64;

std::uint32_t crc32_of(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      ::crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

double product(const Shape& shape) {
  double n = 1;
  for (int i = 0; i < shape.rank(); ++i) n *= static_cast<double>(shape[i]);
  return n;
}

// Format 2: the payload is a list of named sections (u64 count, then for
// each: name, u64 length, bytes), so later fields are new sections and a
// reader names any section it does not know.
void section(ByteWriter& out, const char* name, const ByteWriter& content) {
  out.str(name);
  out.u64(content.bytes().size());
  out.raw(content.bytes().data(), content.bytes().size());
}

std::string encode_payload(const Model& m) {
  std::vector<std::pair<const char*, ByteWriter>> sections;
  const auto add = [&](const char* name) -> ByteWriter& { return sections.emplace_back(name, ByteWriter()).second; };
  ByteWriter& model = add("model");
  model.str(SCRATCHNET_VERSION);
  model.u8(m.task == Task::kClassification ? 0 : 1);
  model.str(m.loss);
  write_architecture(add("architecture"), m.network->architecture());
  write_names(add("classes"), m.class_names);
  write_names(add("features"), m.feature_names);
  if (m.tabular) m.tabular->encode(add("tabular"));
  if (m.image) write_image(add("image"), *m.image);
  write_scaler(add("scaler"), m.scaler);
  add("settings").str(m.config_toml);
  write_tensors(add("parameters"), m.network->params());
  write_tensors(add("buffers"), m.network->buffers());
  ByteWriter payload;
  payload.u64(sections.size());
  for (const auto& [name, content] : sections) section(payload, name, content);
  return payload.bytes();
}

// A section's bytes, read to the end: leftover bytes are corruption.
struct Section {
  std::string_view bytes;
  bool read = false;
};

Model decode_v2(std::string_view payload, const std::string& source) {
  ByteReader r(payload, source);
  const std::uint64_t count = r.count("sections", 16);
  if (count > kMaxSections) throw_data("{}: corrupt model ({} sections)", source, count);
  std::map<std::string, Section> sections;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string name = r.str("section name");
    const std::uint64_t size = r.u64("section size");
    if (size > r.remaining())
      throw_data("{}: corrupt model (section '{}' of {} bytes, {} left)", source, name, size, r.remaining());
    const std::string_view bytes = r.bytes(size, "section");
    if (!sections.emplace(name, Section{bytes}).second)
      throw_data("{}: corrupt model (section '{}' given twice)", source, name);
  }
  if (r.remaining() != 0) throw_data("{}: {} unexpected bytes after the sections", source, r.remaining());
  const auto reader = [&](const char* name, bool required = true) -> std::optional<ByteReader> {
    auto it = sections.find(name);
    if (it == sections.end()) {
      if (required) throw_data("{}: corrupt model (no '{}' section)", source, name);
      return std::nullopt;
    }
    it->second.read = true;
    return ByteReader(it->second.bytes, source);
  };
  const auto done = [&](ByteReader& in, const char* name) {
    if (in.remaining() != 0) throw_data("{}: corrupt model ({} unexpected bytes in '{}')", source, in.remaining(), name);
  };
  Model m;
  auto in = reader("model");
  in->str("writer version");
  m.task = read_task(*in, source);
  m.loss = read_loss(*in, source);
  done(*in, "model");
  in = reader("architecture");
  const Architecture arch = read_architecture(*in, source);
  done(*in, "architecture");
  in = reader("classes");
  m.class_names = read_names(*in, "class names");
  done(*in, "classes");
  in = reader("features");
  m.feature_names = read_names(*in, "feature names");
  done(*in, "features");
  if ((in = reader("tabular", false))) {
    m.tabular = TabularPipeline::decode(*in);
    done(*in, "tabular");
  }
  if ((in = reader("image", false))) {
    m.image = read_image(*in, source);
    done(*in, "image");
  }
  in = reader("scaler");
  m.scaler = read_scaler(*in, source);
  done(*in, "scaler");
  in = reader("settings");
  m.config_toml = in->str("settings");
  done(*in, "settings");
  auto params = reader("parameters");
  auto buffers = reader("buffers");
  m.network = build_network(arch, params->remaining() + buffers->remaining(), source);
  read_tensors(*params, m.network->params(), "parameter tensors", source);
  done(*params, "parameters");
  read_tensors(*buffers, m.network->buffers(), "buffer tensors", source);
  done(*buffers, "buffers");
  for (const auto& [name, s] : sections)
    if (!s.read)
      throw_data("{}: section '{}' is unknown to this scratchnet (written by a newer version?)", source, name);
  return m;
}

// Format 1 (scratchnet 0.1): the fields in a fixed order, still read.
Model decode_v1(std::string_view payload, const std::string& source) {
  ByteReader r(payload, source);
  Model m;
  r.str("writer version");
  m.task = read_task(r, source);
  const Architecture arch = read_architecture(r, source);
  m.loss = read_loss(r, source);
  m.class_names = read_names(r, "class names");
  m.feature_names = read_names(r, "feature names");
  m.scaler = read_scaler(r, source);
  m.config_toml = r.str("settings");
  m.network = build_network(arch, r.remaining(), source);
  read_tensors(r, m.network->params(), "parameter tensors", source);
  read_tensors(r, m.network->buffers(), "buffer tensors", source);
  if (r.remaining() != 0) throw_data("{}: {} unexpected bytes after the parameters", source, r.remaining());
  return m;
}

// The framed payload and its format version, after checking magic, version, size and checksum.
std::pair<std::string_view, std::uint32_t> unframe_model(std::string_view bytes, const std::string& source) {
  if (bytes.size() < kHeaderBytes || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    throw_data("{}: not a scratchnet model file (bad magic number)", source);
  ByteReader header(bytes.substr(0, kHeaderBytes), source);
  header.u64("magic");
  const std::uint32_t version = header.u32("format version");
  if (version != 1 && version != kModelFormatVersion)
    throw_data("{}: model format version {} is not supported (this scratchnet reads versions 1 to {})", source,
               version, kModelFormatVersion);
  const std::uint64_t size = header.u64("payload size");
  if (size != bytes.size() - kHeaderBytes - 4 || bytes.size() < kHeaderBytes + 4)
    throw_data("{}: file is truncated or corrupt (payload of {} bytes declared, {} present)", source, size,
               bytes.size() < kHeaderBytes + 4 ? 0 : bytes.size() - kHeaderBytes - 4);
  const std::string_view payload = bytes.substr(kHeaderBytes, size);
  std::uint32_t stored_crc;
  std::memcpy(&stored_crc, bytes.data() + kHeaderBytes + size, 4);
  if (stored_crc != crc32_of(payload)) throw_data("{}: checksum mismatch: the file is corrupt", source);
  return {payload, version};
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
  const std::string payload = encode_payload(model);
  ByteWriter file;
  file.raw(kMagic, sizeof kMagic);
  file.u32(kModelFormatVersion);
  file.u64(payload.size());
  file.raw(payload.data(), payload.size());
  file.u32(crc32_of(payload));
  return file.bytes();
}

void save_model(const Model& model, const std::string& path) { write_file_atomic(path, encode_model(model)); }

Model decode_model(std::string_view bytes, const std::string& source) {
  const auto [payload, version] = unframe_model(bytes, source);
  Model m = version == 1 ? decode_v1(payload, source) : decode_v2(payload, source);
  check_consistency(m, source);
  return m;
}

Model load_model(const std::string& path) { return decode_model(read_text_file(path), path); }

ModelInfo verify_model(const std::string& path) {
  const std::string bytes = read_text_file(path);
  Model m = decode_model(bytes, path);
  ModelInfo info;
  const auto [payload, version] = unframe_model(bytes, path);
  info.format_version = version;
  // The writer's version is the first field of format 1 and of format 2's
  // first section ("model", after the section count, name and size).
  ByteReader r(payload, path);
  if (version != 1) {
    r.u64("sections");
    r.str("section name");
    r.u64("section size");
  }
  info.writer_version = r.str("writer version");
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
