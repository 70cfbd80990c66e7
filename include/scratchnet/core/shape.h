#pragma once
// Shape of a tensor: up to four dimensions, stored inline (no heap).
//
// Layout convention, stated once for the whole library: tensors are row-major
// and batch-first. A batch of feature vectors is (N, D); a batch of images is
// (N, C, H, W). A layer's "sample shape" is the shape without the batch axis.

#include <array>
#include <cstddef>
#include <initializer_list>
#include <string>

#include "scratchnet/core/export.h"

namespace scratchnet {

class SCRATCHNET_API Shape {
 public:
  static constexpr int kMaxRank = 4;

  Shape() = default;
  Shape(std::initializer_list<std::size_t> dims);

  int rank() const { return rank_; }
  std::size_t operator[](int axis) const { return dims_[axis]; }
  std::size_t& operator[](int axis) { return dims_[axis]; }
  // Product of all dimensions (1 for rank 0).
  std::size_t elements() const;
  // Product of all dimensions but the first: the size of one sample.
  std::size_t sample_elements() const;
  // This shape with a batch axis of `n` put in front.
  Shape with_batch(std::size_t n) const;
  // This shape without its first axis.
  Shape without_batch() const;
  std::string str() const;

  friend SCRATCHNET_API bool operator==(const Shape& a, const Shape& b);

 private:
  std::array<std::size_t, kMaxRank> dims_{};
  int rank_ = 0;
};

}  // namespace scratchnet
