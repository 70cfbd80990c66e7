#include "scratchnet/data/batcher.h"

#include <algorithm>
#include <numeric>

#include "scratchnet/core/error.h"

namespace scratchnet {

BatchSampler::BatchSampler(std::size_t samples, std::size_t batch_size)
    : order_(samples), batch_size_(batch_size) {
  if (batch_size == 0) throw_usage("batch size must be at least 1, got 0");
  std::iota(order_.begin(), order_.end(), std::size_t{0});
}

void BatchSampler::shuffle(Rng& rng) {
  // Start from the identity so the epoch's order depends on the Rng alone.
  std::iota(order_.begin(), order_.end(), std::size_t{0});
  rng.shuffle(std::span<std::size_t>(order_));
}

std::size_t BatchSampler::num_batches() const {
  return (order_.size() + batch_size_ - 1) / batch_size_;
}

std::span<const std::size_t> BatchSampler::batch(std::size_t b) const {
  SCRATCHNET_CHECK(b < num_batches(), "batch {} out of range for {} batches", b, num_batches());
  const std::size_t begin = b * batch_size_;
  const std::size_t count = std::min(batch_size_, order_.size() - begin);
  return std::span<const std::size_t>(order_).subspan(begin, count);
}

}  // namespace scratchnet
