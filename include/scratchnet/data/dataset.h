#pragma once
// Dataset: samples held in memory, with integer class labels (classification)
// or real-valued targets (regression).
//
// Features are stored row-major, one row of sample_shape.elements() floats per
// sample: (N, D) for tabular data. Labels are class ids in [0, classes);
// class_names[i] names id i. Regression targets are (N, target_dim).
//
// Image sets (IDX: MNIST, Fashion-MNIST) hold their pixels once, as bytes:
// when `pixels` is non-empty it holds the features instead of `features`
// (which stays empty), feature value = pixel * pixel_scale, with the same
// row-major layout ((N, C, H, W) for images). gather() converts each batch to
// float, so 60,000 28x28 images take 47 MB rather than 188 MB.
//
// Borrowed features (the Python package passes numpy arrays without a copy):
// when `borrowed_features` is non-empty it holds the float features instead of
// `features` (which stays empty), same layout. The Dataset does not own that
// memory: whoever sets it keeps it alive and unchanged while the Dataset, or
// any copy of it, is in use. Everything that reads features goes through
// feature_data(); subset() copies the rows it selects into `features`, and
// materialize_features() copies the whole view before anything writes
// (scaling), so the borrowed array is never modified.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

class ImageStream;

enum class Task { kClassification, kRegression };

struct Dataset {
  std::string name;                        // where it came from, for messages
  Task task = Task::kClassification;
  Shape sample_shape;                      // e.g. (6) for AReM
  std::vector<float> features;             // size() * sample_shape.elements()
  std::vector<std::uint8_t> pixels;        // image sets: replaces features when non-empty
  std::span<const float> borrowed_features;  // not owned: replaces features when non-empty
  float pixel_scale = 1.0f / 255;          // feature value of a pixel = pixel * pixel_scale
  // Image sets: a per-channel normalisation of the scaled pixels, applied as
  // batches are made: feature = (pixel * pixel_scale - channel_mean[c]) /
  // channel_std[c]. Empty: none.
  std::vector<float> channel_mean, channel_std;
  // Image folders read with data.cache = "none": no pixels are held; sample
  // i is image stream_rows[i] (i itself when stream_rows is empty) of
  // `stream`, decoded when its batch is gathered (prefetch() asks ahead).
  std::shared_ptr<ImageStream> stream;
  std::vector<std::size_t> stream_rows;
  std::vector<std::int32_t> labels;        // classification: size() entries
  std::vector<float> targets;              // regression: size() * target_dim
  std::size_t target_dim = 0;              // regression only
  std::vector<std::string> class_names;    // classification only
  std::vector<std::string> feature_names;  // may be empty

  // Samples held: one per label (or target row); without labels (rows to
  // predict), the feature rows.
  std::size_t size() const;
  bool labelled() const { return task == Task::kClassification ? !labels.empty() : !targets.empty(); }
  std::size_t num_features() const { return sample_shape.elements(); }
  // Whether the features are images held as bytes in `pixels` or read from `stream`.
  bool is_image() const { return !pixels.empty() || stream != nullptr; }
  // The float features: the borrowed view when set, else `features`
  // (size() * num_features() values; not for image sets, whose are bytes).
  std::span<const float> float_features() const {
    return borrowed_features.empty() ? std::span<const float>(features) : borrowed_features;
  }
  // Converts `pixels` to float `features` (times pixel_scale) and frees the
  // bytes, or copies borrowed features into `features` and drops the view,
  // for transforms that write float features (standard or min-max scaling).
  // Does nothing when the features are already owned floats.
  void materialize_features();
  // Network outputs this data needs: the class count or the target dimension.
  std::size_t num_outputs() const;
  // The samples at `indices`, in that order, in the same storage (bytes stay bytes).
  Dataset subset(std::span<const std::size_t> indices) const;
  // Copies the samples at `indices` into a batch: x (B, sample shape) (image
  // pixels converted to float times pixel_scale), and
  // labels (classification) or targets (B, target_dim) (regression). Reuses
  // the capacity of the outputs, so steady-state batching allocates nothing.
  // `augment`, when given, transforms an image batch in place while its
  // values are the scaled pixels in [0, 1], before the channel normalisation
  // (training batches: data/image_augment.h).
  void gather(std::span<const std::size_t> indices, Tensor& x, std::vector<std::int32_t>& labels,
              Tensor& targets, const std::function<void(Tensor&)>& augment = {}) const;
  // Samples per class id (classification).
  std::vector<std::size_t> class_counts() const;
  // Applies channel_mean/channel_std to `samples` float images at x.
  void normalize_channels(float* x, std::size_t samples) const;
  // Asks a streamed set to decode the samples at `indices` ahead of their
  // gather; nothing for sets held in memory.
  void prefetch(std::span<const std::size_t> indices) const;
};

}  // namespace scratchnet
