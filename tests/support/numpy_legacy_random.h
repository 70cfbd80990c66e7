#pragma once
// numpy's legacy generator, transcribed: `np.random.seed(s)` followed by
// `np.random.randn(...)` draws, so that a test can rebuild a seed report's
// random inputs without Python. Written from the algorithms, not from numpy's
// source: MT19937 (Matsumoto & Nishimura, 1998) seeded with init_genrand(s)
// (what RandomState.seed does for an integer), doubles of 53 random bits from
// two 32-bit draws (a >> 5, b >> 6: numpy's random_standard_uniform / the
// reference genrand_res53), and normals by Marsaglia's polar method, which
// yields two per accepted pair and keeps the first for the next call
// (numpy's legacy_gauss). tests/optim/seed001_optimizer_test.cpp checks the
// first 40 normals of seed 101 against numpy's own.

#include <array>
#include <cmath>
#include <cstdint>

namespace scratchnet::testing {

class NumpyLegacyRandom {
 public:
  explicit NumpyLegacyRandom(std::uint32_t seed) {
    mt_[0] = seed;
    for (std::uint32_t i = 1; i < kN; ++i) mt_[i] = 1812433253u * (mt_[i - 1] ^ (mt_[i - 1] >> 30)) + i;
  }

  std::uint32_t next_u32() {
    if (index_ == kN) twist();
    std::uint32_t y = mt_[index_++];
    // Tempering.
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
  }

  // Uniform on [0, 1) with 53 random bits.
  double next_double() {
    const double a = next_u32() >> 5, b = next_u32() >> 6;
    return (a * 67108864.0 + b) / 9007199254740992.0;
  }

  // Standard normal (np.random.randn).
  double randn() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    double x1, x2, r2;
    do {
      x1 = 2.0 * next_double() - 1.0;
      x2 = 2.0 * next_double() - 1.0;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    const double f = std::sqrt(-2.0 * std::log(r2) / r2);
    spare_ = f * x1;
    has_spare_ = true;
    return f * x2;
  }

 private:
  static constexpr std::uint32_t kN = 624, kM = 397;

  void twist() {
    for (std::uint32_t i = 0; i < kN; ++i) {
      const std::uint32_t y = (mt_[i] & 0x80000000u) | (mt_[(i + 1) % kN] & 0x7fffffffu);
      mt_[i] = mt_[(i + kM) % kN] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
    }
    index_ = 0;
  }

  std::array<std::uint32_t, kN> mt_{};
  std::uint32_t index_ = kN;
  bool has_spare_ = false;
  double spare_ = 0;
};

}  // namespace scratchnet::testing
