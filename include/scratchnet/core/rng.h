#pragma once
// Rng: the one random-number generator of scratchnet (xoshiro256**, seeded
// through splitmix64). Every random choice -- initial weights, shuffles,
// splits, dropout masks, search trials -- draws from an Rng made from the
// run's seed, and the transforms below are written out here rather than taken
// from <random>, whose distributions differ between standard libraries. So the
// same seed gives the same numbers on every platform.
//
// Reference: D. Blackman, S. Vigna, "Scrambled linear pseudorandom number
// generators", ACM TOMS 47(4), 2021.

#include <array>
#include <cstdint>
#include <span>
#include <utility>

#include "scratchnet/core/export.h"

namespace scratchnet {

class SCRATCHNET_API Rng {
 public:
  explicit Rng(std::uint64_t seed = 0);

  std::uint64_t next_u64();
  // Uniform in [0, 1) with 53 random bits.
  double uniform();
  double uniform(double low, double high) { return low + (high - low) * uniform(); }
  // Uniform integer in [0, n), unbiased (Lemire's method). Requires n > 0.
  std::uint64_t below(std::uint64_t n);
  // Standard normal (Marsaglia polar method).
  double normal();
  // An independent stream: a new generator seeded from this one's output.
  Rng split() { return Rng(next_u64()); }

  template <class T>
  void shuffle(std::span<T> items) {
    for (std::size_t i = items.size(); i > 1; --i) {
      std::size_t j = static_cast<std::size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

  // The full state, for checkpoints.
  std::array<std::uint64_t, 4> state() const { return s_; }
  void set_state(const std::array<std::uint64_t, 4>& s) { s_ = s; }

 private:
  std::array<std::uint64_t, 4> s_{};
};

}  // namespace scratchnet
