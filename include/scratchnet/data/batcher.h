#pragma once
// BatchSampler: the order in which an epoch visits the training samples.
// Each epoch draws a fresh permutation from the run's Rng and cuts it into
// consecutive batches; the remainder batch is kept (10 samples, batch 4 ->
// 4, 4, 2), as seed 001's create_mini_batches does.

#include <cstddef>
#include <span>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"

namespace scratchnet {

class SCRATCHNET_API BatchSampler {
 public:
  // Requires batch_size >= 1 (usage error otherwise).
  BatchSampler(std::size_t samples, std::size_t batch_size);

  // Draws this epoch's order.
  void shuffle(Rng& rng);
  std::size_t num_batches() const;
  // The sample indices of batch b (0 <= b < num_batches()).
  std::span<const std::size_t> batch(std::size_t b) const;
  std::size_t batch_size() const { return batch_size_; }
  std::size_t samples() const { return order_.size(); }

 private:
  std::vector<std::size_t> order_;
  std::size_t batch_size_;
};

}  // namespace scratchnet
