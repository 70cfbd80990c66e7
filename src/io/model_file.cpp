#include "scratchnet/io/model_file.h"

#include <cstring>

#include <zlib.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/io/binary.h"

namespace scratchnet {
namespace {

constexpr char kMagic[8] = {'S', 'C', 'R', 'N', 'T', 'M', 'D', 'L'};
constexpr std::size_t kHeaderBytes = 8 + 4 + 8;
constexpr std::size_t kMaxLayers = 10'000;

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
      throw_data("{}: {} '{}' ({} values) does not match the architecture ('{}', {} values)", source,
                 what, name, values.size(), t.name, t.value->size());
    std::copy(values.begin(), values.end(), t.value->data());
  }
}

std::vector<std::string> read_names(ByteReader& r, const char* what) {
  const std::uint64_t n = r.count(what, 8);
  std::vector<std::string> names;
  names.reserve(n);
  for (std::uint64_t i = 0; i < n; ++i) names.push_back(r.str(what));
  return names;
}

}  // namespace

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
  arch.input_shape = rank == 1 ? Shape{dims[0]}
                     : rank == 2 ? Shape{dims[0], dims[1]}
                                 : Shape{dims[0], dims[1], dims[2]};
  const std::uint64_t layers = r.count("layer count", 16);
  if (layers == 0 || layers > kMaxLayers) throw_data("{}: corrupt model ({} layers)", source, layers);
  for (std::uint64_t i = 0; i < layers; ++i) {
    LayerSpec spec;
    spec.type = r.str("layer type");
    const std::uint64_t attrs = r.count("layer attributes", 16);
    for (std::uint64_t a = 0; a < attrs; ++a) {
      std::string key = r.str("attribute name");
      spec.attrs[key] = r.f64("attribute value");
    }
    arch.layers.push_back(std::move(spec));
  }
  m.loss = r.str("loss");
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

  try {
    m.network = std::make_unique<Network<float>>(arch);
  } catch (const Error& e) {
    throw_data("{}: the stored architecture is invalid: {}", source, e.what());
  }
  read_tensors(r, m.network->params(), "parameter tensors", source);
  read_tensors(r, m.network->buffers(), "buffer tensors", source);
  if (r.remaining() != 0) throw_data("{}: {} unexpected bytes after the parameters", source, r.remaining());
  if (m.task == Task::kClassification && m.class_names.size() != m.network->output_shape().elements())
    throw_data("{}: {} class names for {} outputs", source, m.class_names.size(),
               m.network->output_shape().elements());
  if (m.scaler.kind() != ScalerKind::kNone && m.scaler.offset().size() != arch.input_shape.elements())
    throw_data("{}: scaler has {} features, the network takes {}", source, m.scaler.offset().size(),
               arch.input_shape.elements());
  return m;
}

Model load_model(const std::string& path) {
  return decode_model(read_text_file(path), path);
}

}  // namespace scratchnet
