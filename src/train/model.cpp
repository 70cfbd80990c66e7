#include "scratchnet/train/model.h"

#include "scratchnet/core/error.h"
#include "scratchnet/train/evaluation.h"

namespace scratchnet {

void Model::prepare(Dataset& data) const {
  SCRATCHNET_CHECK(network != nullptr, "model has no network");
  const std::size_t wanted = network->input_shape().elements();
  if (data.num_features() != wanted)
    throw_data("{}: {} features per sample, the model takes {}", data.name, data.num_features(), wanted);
  if (image && data.is_image()) {
    if (!(data.sample_shape == network->input_shape()))
      throw_data("{}: images of shape {}, the model takes {}", data.name, data.sample_shape.str(),
                 network->input_shape().str());
    data.channel_mean = image->mean;
    data.channel_std = image->std;
  } else if (image && !image->mean.empty()) {
    // Rows of a table for an image model: its scaled pixels (pixel / 255),
    // normalised per channel here as the model's image batches are.
    data.materialize_features();
    data.channel_mean = image->mean;
    data.channel_std = image->std;
    data.normalize_channels(data.features.data(), data.size());
    data.channel_mean.clear();
    data.channel_std.clear();
  }
  if (scaler.kind() == ScalerKind::kNone) return;
  data.materialize_features();
  scaler.apply(data);
}

Tensor Model::predict(const Dataset& data, bool probabilities) const {
  SCRATCHNET_CHECK(network != nullptr, "model has no network");
  return predict_outputs(*network, data, probabilities && task == Task::kClassification);
}

}  // namespace scratchnet
