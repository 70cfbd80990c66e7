#pragma once
// BasicTensor<T>: a dense, row-major, batch-first array of T with a Shape.
//
// Storage is 64-byte aligned so kernels can use aligned vector loads.
// `resize` keeps the allocation when the new shape fits in the capacity, so a
// training step that sees the same (or a smaller, remainder) batch allocates
// nothing once the first step has sized every buffer.
//
// The library trains in float (`Tensor`); `BasicTensor<double>` exists so that
// the gradient checker can run every layer in double precision.

#include <algorithm>
#include <cstddef>
#include <new>
#include <span>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/shape.h"

namespace scratchnet {

template <class T>
struct SCRATCHNET_API AlignedAllocator {
  using value_type = T;
  static constexpr std::align_val_t kAlignment{64};
  AlignedAllocator() = default;
  template <class U>
  AlignedAllocator(const AlignedAllocator<U>&) {}
  T* allocate(std::size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), kAlignment)); }
  void deallocate(T* p, std::size_t) { ::operator delete(p, kAlignment); }
  template <class U>
  bool operator==(const AlignedAllocator<U>&) const { return true; }
};

template <class T>
class SCRATCHNET_API BasicTensor {
 public:
  using value_type = T;

  BasicTensor() = default;
  explicit BasicTensor(const Shape& shape) { resize(shape); }

  // Gives the tensor `shape`. Values are unspecified after a resize that
  // changes the element count (new elements are zero).
  void resize(const Shape& shape) {
    shape_ = shape;
    storage_.resize(shape.elements());
  }
  void fill(T value) { std::fill(storage_.begin(), storage_.end(), value); }
  void zero() { fill(T(0)); }

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return storage_.size(); }
  bool empty() const { return storage_.empty(); }
  // First axis (the batch) and the product of the others.
  std::size_t rows() const { return shape_.rank() ? shape_[0] : 0; }
  std::size_t cols() const { return shape_.rank() ? shape_.sample_elements() : 0; }

  T* data() { return storage_.data(); }
  const T* data() const { return storage_.data(); }
  std::span<T> span() { return {storage_.data(), storage_.size()}; }
  std::span<const T> span() const { return {storage_.data(), storage_.size()}; }
  T& operator[](std::size_t i) { return storage_[i]; }
  const T& operator[](std::size_t i) const { return storage_[i]; }
  // Element (r, c) of the tensor viewed as rows() x cols().
  T& at(std::size_t r, std::size_t c) { return storage_[r * cols() + c]; }
  const T& at(std::size_t r, std::size_t c) const { return storage_[r * cols() + c]; }
  T* row(std::size_t r) { return storage_.data() + r * cols(); }
  const T* row(std::size_t r) const { return storage_.data() + r * cols(); }

 private:
  Shape shape_;
  std::vector<T, AlignedAllocator<T>> storage_;
};

using Tensor = BasicTensor<float>;

}  // namespace scratchnet
