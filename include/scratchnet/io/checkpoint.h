#pragma once
// Checkpoint files (.snc): what a training run needs to continue after a
// crash or an interrupt exactly as if it had never stopped -- the resolved
// settings, the loop state at an epoch boundary (weights, optimizer state,
// shuffle generator, schedule and early-stopping state, the history) and the
// metrics.csv rows so far. Framed like model files (magic "SCRNTCKP",
// version, size, CRC-32) and written atomically: a temp file, fsync, rename,
// so the previous checkpoint stays whole until the new one is complete.

#include <string>

#include "scratchnet/core/export.h"
#include "scratchnet/train/training_state.h"

namespace scratchnet {

inline constexpr std::uint32_t kCheckpointFormatVersion = 1;

struct SCRATCHNET_API Checkpoint {
  std::string config_toml;
  std::string metrics_csv;
  TrainingState state;
};

SCRATCHNET_API std::string encode_checkpoint(const Checkpoint& checkpoint);
SCRATCHNET_API Checkpoint decode_checkpoint(std::string_view bytes, const std::string& source);
SCRATCHNET_API void save_checkpoint(const Checkpoint& checkpoint, const std::string& path);
// Throws a data error naming the file when it is missing, truncated or corrupt.
SCRATCHNET_API Checkpoint load_checkpoint(const std::string& path);

}  // namespace scratchnet
