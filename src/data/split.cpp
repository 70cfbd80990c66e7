#include "scratchnet/data/split.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <span>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// Samples of one class (or of the whole set) held out: round(fraction * count),
// at least one when there are two or more samples and fraction > 0, and never
// all of them, so every class keeps a training sample.
std::size_t held_out_count(std::size_t count, double fraction) {
  if (count < 2 || fraction <= 0.0) return 0;
  const auto held = static_cast<std::size_t>(std::llround(fraction * static_cast<double>(count)));
  return std::clamp<std::size_t>(held, 1, count - 1);
}

// Shuffles `pool` and moves its first `held` entries to held_out, the rest to kept.
void take(std::vector<std::size_t>& pool, std::size_t held, Rng& rng, SplitIndices& out) {
  rng.shuffle(std::span<std::size_t>(pool));
  out.held_out.insert(out.held_out.end(), pool.begin(),
                      pool.begin() + static_cast<std::ptrdiff_t>(held));
  out.kept.insert(out.kept.end(), pool.begin() + static_cast<std::ptrdiff_t>(held), pool.end());
}

}  // namespace

SplitIndices split_dataset(const Dataset& data, double fraction, Rng& rng) {
  if (!(fraction >= 0.0 && fraction < 1.0)) {
    throw_usage("split fraction must be in [0, 1), got {}", fraction);
  }
  SplitIndices out;
  const std::size_t n = data.size();
  if (data.task == Task::kClassification) {
    // Stratified: each class is shuffled and split on its own, in class order.
    std::vector<std::vector<std::size_t>> by_class(data.class_names.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t label = data.labels[i];
      SCRATCHNET_CHECK(label >= 0 && static_cast<std::size_t>(label) < by_class.size(),
                       "label {} out of range for {} classes", label, by_class.size());
      by_class[static_cast<std::size_t>(label)].push_back(i);
    }
    for (auto& pool : by_class) take(pool, held_out_count(pool.size(), fraction), rng, out);
  } else {
    std::vector<std::size_t> pool(n);
    std::iota(pool.begin(), pool.end(), std::size_t{0});
    take(pool, held_out_count(n, fraction), rng, out);
  }
  std::sort(out.kept.begin(), out.kept.end());
  std::sort(out.held_out.begin(), out.held_out.end());
  return out;
}

std::vector<SplitIndices> kfold_splits(const Dataset& data, std::size_t k, Rng& rng) {
  const std::size_t n = data.size();
  if (k < 2 || k > n)
    throw_usage("cross-validation needs 2 to {} folds for the {} samples of '{}', got {}", n, n,
                data.name, k);
  // Pools in class order (one pool for regression), each shuffled.
  std::vector<std::vector<std::size_t>> pools;
  if (data.task == Task::kClassification) {
    pools.resize(data.class_names.size());
    for (std::size_t i = 0; i < n; ++i) {
      const std::int32_t label = data.labels[i];
      SCRATCHNET_CHECK(label >= 0 && static_cast<std::size_t>(label) < pools.size(),
                       "label {} out of range for {} classes", label, pools.size());
      pools[static_cast<std::size_t>(label)].push_back(i);
    }
  } else {
    pools.emplace_back(n);
    std::iota(pools.back().begin(), pools.back().end(), std::size_t{0});
  }
  std::vector<std::vector<std::size_t>> folds(k);
  std::size_t next = 0;
  for (auto& pool : pools) {
    rng.shuffle(std::span<std::size_t>(pool));
    for (std::size_t i : pool) folds[next++ % k].push_back(i);
  }
  std::vector<SplitIndices> out(k);
  for (std::size_t f = 0; f < k; ++f) {
    out[f].held_out = std::move(folds[f]);
    std::sort(out[f].held_out.begin(), out[f].held_out.end());
    out[f].kept.reserve(n - out[f].held_out.size());
    auto held = out[f].held_out.begin();
    for (std::size_t i = 0; i < n; ++i) {
      if (held != out[f].held_out.end() && *held == i) {
        ++held;
      } else {
        out[f].kept.push_back(i);
      }
    }
  }
  return out;
}

}  // namespace scratchnet
