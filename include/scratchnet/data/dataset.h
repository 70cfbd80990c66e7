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

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

enum class Task { kClassification, kRegression };

struct SCRATCHNET_API Dataset {
  std::string name;                        // where it came from, for messages
  Task task = Task::kClassification;
  Shape sample_shape;                      // e.g. (6) for AReM
  std::vector<float> features;             // size() * sample_shape.elements()
  std::vector<std::uint8_t> pixels;        // image sets: replaces features when non-empty
  float pixel_scale = 1.0f / 255;          // feature value of a pixel = pixel * pixel_scale
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
  // Whether the features are held as bytes in `pixels`.
  bool is_image() const { return !pixels.empty(); }
  // Converts `pixels` to float `features` (times pixel_scale) and frees the
  // bytes, for transforms that need float features (standard or min-max
  // scaling). Does nothing when the features are already floats.
  void materialize_features();
  // Network outputs this data needs: the class count or the target dimension.
  std::size_t num_outputs() const;
  // The samples at `indices`, in that order, in the same storage (bytes stay bytes).
  Dataset subset(std::span<const std::size_t> indices) const;
  // Copies the samples at `indices` into a batch: x (B, sample shape) (image
  // pixels converted to float times pixel_scale), and
  // labels (classification) or targets (B, target_dim) (regression). Reuses
  // the capacity of the outputs, so steady-state batching allocates nothing.
  void gather(std::span<const std::size_t> indices, Tensor& x, std::vector<std::int32_t>& labels,
              Tensor& targets) const;
  // Samples per class id (classification).
  std::vector<std::size_t> class_counts() const;
};

}  // namespace scratchnet
