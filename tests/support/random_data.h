#pragma once
// A classification set of standard-normal features with labels cycling over
// three classes: for tests that need a set of a given size and width, not
// one that can be learnt.

#include <cstdint>

#include "scratchnet/core/rng.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet::testing {

inline Dataset random_three_classes(std::size_t samples, std::size_t features, std::uint64_t seed) {
  Dataset data;
  data.name = "random";
  data.sample_shape = Shape{features};
  data.class_names = {"a", "b", "c"};
  Rng draw(seed);
  for (std::size_t i = 0; i < samples; ++i) {
    for (std::size_t j = 0; j < features; ++j) data.features.push_back(static_cast<float>(draw.normal()));
    data.labels.push_back(static_cast<std::int32_t>(i % 3));
  }
  return data;
}

}  // namespace scratchnet::testing
