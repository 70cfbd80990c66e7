#pragma once
// Seeded train/test splits. Classification splits are stratified: each class
// contributes round(fraction * its count) samples to the held-out part (at
// least one when the class has two or more samples and fraction > 0), so
// class proportions match in both parts. Regression splits are a seeded
// shuffle. Both returned index lists are sorted ascending.

#include <cstddef>
#include <vector>

#include "scratchnet/core/rng.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

struct SplitIndices {
  std::vector<std::size_t> kept;      // e.g. train
  std::vector<std::size_t> held_out;  // e.g. test
};

// Requires 0 <= fraction < 1 (usage error otherwise).
SplitIndices split_dataset(const Dataset& data, double fraction, Rng& rng);

}  // namespace scratchnet
