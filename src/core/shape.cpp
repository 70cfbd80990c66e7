#include "scratchnet/core/shape.h"

#include "scratchnet/core/error.h"

namespace scratchnet {

Shape::Shape(std::initializer_list<std::size_t> dims) {
  SCRATCHNET_CHECK(dims.size() <= kMaxRank, "rank {} exceeds {}", dims.size(), kMaxRank);
  for (std::size_t d : dims) dims_[rank_++] = d;
}

std::size_t Shape::elements() const {
  std::size_t n = 1;
  for (int i = 0; i < rank_; ++i) n *= dims_[i];
  return n;
}

std::size_t Shape::sample_elements() const {
  std::size_t n = 1;
  for (int i = 1; i < rank_; ++i) n *= dims_[i];
  return n;
}

Shape Shape::with_batch(std::size_t n) const {
  SCRATCHNET_CHECK(rank_ < kMaxRank, "cannot add a batch axis to {}", str());
  Shape out;
  out.dims_[0] = n;
  for (int i = 0; i < rank_; ++i) out.dims_[i + 1] = dims_[i];
  out.rank_ = rank_ + 1;
  return out;
}

Shape Shape::without_batch() const {
  SCRATCHNET_CHECK(rank_ >= 1, "a rank-0 shape has no batch axis");
  Shape out;
  for (int i = 1; i < rank_; ++i) out.dims_[i - 1] = dims_[i];
  out.rank_ = rank_ - 1;
  return out;
}

std::string Shape::str() const {
  std::string s = "(";
  for (int i = 0; i < rank_; ++i) {
    if (i) s += ", ";
    s += std::to_string(dims_[i]);
  }
  return s + ")";
}

bool operator==(const Shape& a, const Shape& b) {
  if (a.rank_ != b.rank_) return false;
  for (int i = 0; i < a.rank_; ++i)
    if (a.dims_[i] != b.dims_[i]) return false;
  return true;
}

}  // namespace scratchnet
