#pragma once
// Model files (.snm): everything needed to predict, in one binary file.
//
// Layout (little-endian):
//   magic "SCRNTMDL" (8 bytes) | u32 format version | u64 payload size |
//   payload | u32 CRC-32 of the payload
// The payload holds: the scratchnet version that wrote it; the task; the
// architecture (input shape and layer specs); the loss; class and feature
// names; the scaler; the training settings (TOML text); every parameter
// tensor and every buffer (batch-norm running statistics) by name and size. Loading checks the magic, the version, the size,
// the checksum, and that each parameter matches the rebuilt architecture.
// Files are written atomically (temp file + rename).

#include <memory>
#include <string>
#include <vector>

#include "scratchnet/data/dataset.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

inline constexpr std::uint32_t kModelFormatVersion = 1;

struct Model {
  Task task = Task::kClassification;
  std::string loss;                       // "softmax_cross_entropy" or "mse"
  std::vector<std::string> class_names;   // classification
  std::vector<std::string> feature_names;
  Scaler scaler;
  std::string config_toml;                // settings the model was trained with
  std::unique_ptr<Network<float>> network;
};

void save_model(const Model& model, const std::string& path);
// Throws a data error naming the file for a missing, truncated, corrupt or
// incompatible file.
Model load_model(const std::string& path);

// Encodes / decodes the file image in memory (what save/load write and read).
std::string encode_model(const Model& model);
Model decode_model(std::string_view bytes, const std::string& source);

}  // namespace scratchnet
