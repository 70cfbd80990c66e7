#pragma once
// Dataset: samples held in memory, with integer class labels (classification)
// or real-valued targets (regression).
//
// Features are stored row-major, one row of sample_shape.elements() floats per
// sample: (N, D) for tabular data. Labels are class ids in [0, classes);
// class_names[i] names id i. Regression targets are (N, target_dim).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/shape.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

enum class Task { kClassification, kRegression };

struct Dataset {
  std::string name;                        // where it came from, for messages
  Task task = Task::kClassification;
  Shape sample_shape;                      // e.g. (6) for AReM
  std::vector<float> features;             // size() * sample_shape.elements()
  std::vector<std::int32_t> labels;        // classification: size() entries
  std::vector<float> targets;              // regression: size() * target_dim
  std::size_t target_dim = 0;              // regression only
  std::vector<std::string> class_names;    // classification only
  std::vector<std::string> feature_names;  // may be empty

  std::size_t size() const;
  std::size_t num_features() const { return sample_shape.elements(); }
  // Network outputs this data needs: the class count or the target dimension.
  std::size_t num_outputs() const;
  // The samples at `indices`, in that order.
  Dataset subset(std::span<const std::size_t> indices) const;
  // Copies the samples at `indices` into a batch: x (B, sample shape), and
  // labels (classification) or targets (B, target_dim) (regression). Reuses
  // the capacity of the outputs, so steady-state batching allocates nothing.
  void gather(std::span<const std::size_t> indices, Tensor& x, std::vector<std::int32_t>& labels,
              Tensor& targets) const;
  // Samples per class id (classification).
  std::vector<std::size_t> class_counts() const;
};

}  // namespace scratchnet
