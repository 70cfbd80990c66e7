#pragma once
// Model files (.snm): everything needed to predict, in one binary file.
//
// Layout (little-endian):
//   magic "SCRNTMDL" (8 bytes) | u32 format version | u64 payload size |
//   payload | u32 CRC-32 of the payload
// Format 2 (this version writes it): the payload is a list of named
// sections -- u64 count, then for each a name, a u64 byte length and the
// bytes -- so that later versions add sections, and a reader names any it
// does not know instead of misreading it:
//   model         the scratchnet version that wrote it, the task, the loss
//   architecture  input shape and layer specs
//   classes, features   class and feature names
//   tabular       (table models) the preprocessing pipeline: column types,
//                 imputation statistics, categories (data/tabular.h)
//   image         (image models) image size, channels, channel normalisation
//   scaler        feature scaling after the pipeline
//   settings      the training settings (TOML text)
//   parameters, buffers  every tensor by name and size
// Format 1 (scratchnet 0.1) held the same fields in a fixed order, without
// tabular and image; it is still read, and predicts the same.
// Loading checks the magic, the version, the size, the checksum, each
// section's length, and that each tensor matches the rebuilt architecture.
// Files are written atomically (temp file + rename).

#include <memory>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/train/model.h"

namespace scratchnet {

inline constexpr std::uint32_t kModelFormatVersion = 2;

SCRATCHNET_API void save_model(const Model& model, const std::string& path);
// Throws a data error naming the file for a missing, truncated, corrupt or
// incompatible file.
SCRATCHNET_API Model load_model(const std::string& path);

// Encodes / decodes the file image in memory (what save/load write and read).
// decode_model treats `bytes` as untrusted: every length is checked against
// what remains before anything is allocated, and the architecture is sized
// (plan_architecture) before it is built, so a hostile file of N bytes makes
// the loader allocate O(N) at most; every problem is a data error.
SCRATCHNET_API std::string encode_model(const Model& model);
SCRATCHNET_API Model decode_model(std::string_view bytes, const std::string& source);

// What `scratchnet verify` reports about a sound model file.
struct SCRATCHNET_API ModelInfo {
  std::uint32_t format_version = 0;
  std::string writer_version;  // the scratchnet version that wrote the file
  std::size_t file_bytes = 0;
  Task task = Task::kClassification;
  Shape input_shape, output_shape;
  std::size_t layers = 0;         // top-level layers of the architecture
  std::size_t parameters = 0;     // trained values
  std::size_t buffer_values = 0;  // saved, untrained values (batch-norm statistics)
  std::size_t classes = 0;        // classification only
};

// Loads `path` as load_model does (magic, format version, size, checksum,
// architecture, every tensor against the architecture) and also checks that
// every weight and scaler value is finite and that the stored settings parse.
// Trains and predicts nothing. Throws a data error naming the file otherwise.
SCRATCHNET_API ModelInfo verify_model(const std::string& path);

// The size of an architecture, computed from its specs alone: nothing is
// allocated, so the loader can compare it with the file before building the
// network. Mirrors the layer constructors (a test checks it against real
// networks of every registered layer type).
struct SCRATCHNET_API ArchitecturePlan {
  double values = 0;        // parameter + buffer values of the planned layers
  std::size_t planned = 0;  // layers planned: all of them unless one could not be
  std::string problem;      // empty, or why the input or layer `planned` (0-based) could not be
  bool too_large = false;   // the problem is a size over the limits, not a bad setting
};
// Largest sample (input or any layer output) the loader accepts, in values.
inline constexpr double kMaxSampleValues = 268'435'456;  // 2^28
SCRATCHNET_API ArchitecturePlan plan_architecture(const Architecture& architecture);

}  // namespace scratchnet
