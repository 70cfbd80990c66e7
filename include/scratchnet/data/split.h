#pragma once
// Seeded train/test splits and cross-validation folds. Classification splits are stratified: each class
// contributes round(fraction * its count) samples to the held-out part (at
// least one when the class has two or more samples and fraction > 0), so
// class proportions match in both parts. Regression splits are a seeded
// shuffle. Both returned index lists are sorted ascending.

#include <cstddef>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

struct SCRATCHNET_API SplitIndices {
  std::vector<std::size_t> kept;      // e.g. train
  std::vector<std::size_t> held_out;  // e.g. test
};

// Requires 0 <= fraction < 1 (usage error otherwise).
SCRATCHNET_API SplitIndices split_dataset(const Dataset& data, double fraction, Rng& rng);

// K-fold cross-validation: k splits whose held_out parts (the folds)
// partition the samples; kept is every other sample. Classification folds
// are stratified: each class is shuffled and dealt round-robin over the
// folds, continuing where the previous class stopped, so every fold holds
// floor or ceil(count / k) of each class and fold sizes differ by at most
// one. Regression: one seeded shuffle dealt the same way. Requires
// 2 <= k <= size() (usage error otherwise).
SCRATCHNET_API std::vector<SplitIndices> kfold_splits(const Dataset& data, std::size_t k, Rng& rng);

}  // namespace scratchnet
