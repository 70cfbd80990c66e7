#pragma once
// The synthetic data sets of seed 002, drawn from a seed:
//   xor, or  2-D points around the four corners of the unit square (gaussian
//            noise, std 0.15), labelled by XOR / OR of the corner; 400 points
//            (100 per corner) by default.
//   sine     1-D regression: x ~ U(-3, 3), y = sin(x) + N(0, 0.1^2); 500
//            points by default.
// `samples` 0 means the default size.

#include <cstddef>
#include <cstdint>

#include "scratchnet/core/export.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {

SCRATCHNET_API Dataset make_xor(std::size_t samples, std::uint64_t seed);
SCRATCHNET_API Dataset make_or(std::size_t samples, std::uint64_t seed);
SCRATCHNET_API Dataset make_sine(std::size_t samples, std::uint64_t seed);

}  // namespace scratchnet
