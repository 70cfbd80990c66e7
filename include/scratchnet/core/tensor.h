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
//
// A tensor may instead be a view of another's values (view_of): the replicas
// of a batch-parallel step read the network's parameters so, without a copy.

#include <algorithm>
#include <cstddef>
#include <new>
#include <span>
#include <utility>
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

// Thrown (as a usage Error) when a view is resized to another element count.
[[noreturn]] SCRATCHNET_API void throw_view_resize(std::size_t elements, std::size_t wanted);

template <class T>
class SCRATCHNET_API BasicTensor {
 public:
  using value_type = T;

  BasicTensor() = default;
  explicit BasicTensor(const Shape& shape) { resize(shape); }
  // A copy owns its values (a copy of a view too); a move keeps what the
  // source was: the owner of its storage, or a view of another tensor's.
  BasicTensor(const BasicTensor& other) : shape_(other.shape_), storage_(other.begin(), other.end()) {
    point_at_storage();
  }
  BasicTensor(BasicTensor&& other) noexcept { *this = std::move(other); }
  BasicTensor& operator=(const BasicTensor& other) {
    if (this != &other) {
      storage_.assign(other.begin(), other.end());
      shape_ = other.shape_;
      point_at_storage();
    }
    return *this;
  }
  BasicTensor& operator=(BasicTensor&& other) noexcept {
    if (this != &other) {
      const bool view = other.view_;
      shape_ = other.shape_;
      storage_ = std::move(other.storage_);
      if (view) {
        data_ = other.data_;
        size_ = other.size_;
        view_ = true;
      } else {
        point_at_storage();
      }
      other.storage_.clear();
      other.point_at_storage();
    }
    return *this;
  }

  // Gives the tensor `shape`. Values are unspecified after a resize that
  // changes the element count (new elements are zero). A view cannot change
  // its element count.
  void resize(const Shape& shape);
  // From now on this tensor reads and writes the values of `owner` (same
  // shape), without a copy: a batch-parallel step's replicas of a network
  // use its parameters so. `owner` must outlive the view and keep its
  // storage (not be resized to more elements) while the view is used.
  void view_of(BasicTensor& owner) {
    storage_.clear();
    storage_.shrink_to_fit();
    shape_ = owner.shape_;
    data_ = owner.data_;
    size_ = owner.size_;
    view_ = true;
  }
  // ... of rows [r0, r1) of `owner` (shaped sample with batch r1 - r0). A
  // batch-parallel step hands each share its rows of the batch so; the view
  // must only be read while the owner is const to its other users.
  void view_of_rows(const BasicTensor& owner, std::size_t r0, std::size_t r1, const Shape& sample) {
    storage_.clear();
    storage_.shrink_to_fit();
    shape_ = sample.with_batch(r1 - r0);
    data_ = const_cast<T*>(owner.row(r0));
    size_ = (r1 - r0) * owner.cols();
    view_ = true;
  }
  bool is_view() const { return view_; }
  void fill(T value) { std::fill(begin(), end(), value); }
  void zero() { fill(T(0)); }

  const Shape& shape() const { return shape_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  // First axis (the batch) and the product of the others.
  std::size_t rows() const { return shape_.rank() ? shape_[0] : 0; }
  std::size_t cols() const { return shape_.rank() ? shape_.sample_elements() : 0; }

  T* data() { return data_; }
  const T* data() const { return data_; }
  T* begin() { return data_; }
  T* end() { return data_ + size_; }
  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  std::span<T> span() { return {data_, size_}; }
  std::span<const T> span() const { return {data_, size_}; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  // Element (r, c) of the tensor viewed as rows() x cols().
  T& at(std::size_t r, std::size_t c) { return data_[r * cols() + c]; }
  const T& at(std::size_t r, std::size_t c) const { return data_[r * cols() + c]; }
  T* row(std::size_t r) { return data_ + r * cols(); }
  const T* row(std::size_t r) const { return data_ + r * cols(); }

 private:
  void point_at_storage() {
    data_ = storage_.data();
    size_ = storage_.size();
    view_ = false;
  }

  Shape shape_;
  std::vector<T, AlignedAllocator<T>> storage_;
  T* data_ = nullptr;  // storage_'s values, or the owner's for a view
  std::size_t size_ = 0;
  bool view_ = false;
};

template <class T>
void BasicTensor<T>::resize(const Shape& shape) {
  if (view_) {
    if (shape.elements() != size_) throw_view_resize(size_, shape.elements());
    shape_ = shape;
    return;
  }
  shape_ = shape;
  storage_.resize(shape.elements());
  point_at_storage();
}

using Tensor = BasicTensor<float>;

}  // namespace scratchnet
