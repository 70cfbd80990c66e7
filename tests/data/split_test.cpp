// Seeded train/test splits: stratified per class, disjoint and complete,
// sorted, deterministic for a seed.

#include "scratchnet/data/split.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

// A classification set with `counts[c]` samples of class c, classes
// interleaved; feature = the sample index.
Dataset classes_with_counts(const std::vector<std::size_t>& counts) {
  Dataset d;
  d.sample_shape = Shape{1};
  for (std::size_t c = 0; c < counts.size(); ++c) d.class_names.push_back(std::to_string(c));
  std::vector<std::size_t> left = counts;
  bool any = true;
  while (any) {
    any = false;
    for (std::size_t c = 0; c < counts.size(); ++c) {
      if (left[c] == 0) continue;
      --left[c];
      any = true;
      d.features.push_back(static_cast<float>(d.labels.size()));
      d.labels.push_back(static_cast<std::int32_t>(c));
    }
  }
  return d;
}

Dataset regression_set(std::size_t n) {
  Dataset d;
  d.task = Task::kRegression;
  d.sample_shape = Shape{1};
  d.target_dim = 1;
  d.features.assign(n, 0.0f);
  d.targets.assign(n, 0.0f);
  return d;
}

std::vector<std::size_t> per_class(const Dataset& d, const std::vector<std::size_t>& indices) {
  std::vector<std::size_t> counts(d.class_names.size(), 0);
  for (std::size_t i : indices) ++counts[static_cast<std::size_t>(d.labels[i])];
  return counts;
}

void expect_partition(const SplitIndices& s, std::size_t n) {
  EXPECT_TRUE(std::is_sorted(s.kept.begin(), s.kept.end()));
  EXPECT_TRUE(std::is_sorted(s.held_out.begin(), s.held_out.end()));
  std::vector<std::size_t> all = s.kept;
  all.insert(all.end(), s.held_out.begin(), s.held_out.end());
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> expected(n);
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  EXPECT_EQ(all, expected);  // disjoint (no repeats) and complete
}

TEST(Split, StratifiedCountsPerClass) {
  const Dataset d = classes_with_counts({100, 50, 20, 3, 2, 1});
  Rng rng(7);
  const SplitIndices s = split_dataset(d, 0.2, rng);
  expect_partition(s, d.size());
  // round(0.2 * count); at least one for classes of 2+; a single sample stays.
  EXPECT_EQ(per_class(d, s.held_out), (std::vector<std::size_t>{20, 10, 4, 1, 1, 0}));
  EXPECT_EQ(per_class(d, s.kept), (std::vector<std::size_t>{80, 40, 16, 2, 1, 1}));
}

TEST(Split, ProportionsMatchInBothParts) {
  const Dataset d = classes_with_counts({300, 120, 57, 999});
  Rng rng(1);
  const SplitIndices s = split_dataset(d, 0.3, rng);
  expect_partition(s, d.size());
  const auto held = per_class(d, s.held_out);
  const auto counts = d.class_counts();
  for (std::size_t c = 0; c < counts.size(); ++c) {
    EXPECT_LE(std::abs(static_cast<double>(held[c]) - 0.3 * static_cast<double>(counts[c])), 0.5)
        << c;
    const double share_all = static_cast<double>(counts[c]) / static_cast<double>(d.size());
    const double share_held = static_cast<double>(held[c]) / static_cast<double>(s.held_out.size());
    EXPECT_NEAR(share_held, share_all, 0.005) << c;
  }
}

TEST(Split, NeverHoldsOutAWholeClass) {
  const Dataset d = classes_with_counts({2, 4});
  Rng rng(3);
  const SplitIndices s = split_dataset(d, 0.9, rng);
  EXPECT_EQ(per_class(d, s.held_out), (std::vector<std::size_t>{1, 3}));
}

TEST(Split, DeterministicFromTheSeed) {
  const Dataset d = classes_with_counts({200, 100});
  Rng a(42), b(42), c(43);
  const SplitIndices sa = split_dataset(d, 0.25, a);
  const SplitIndices sb = split_dataset(d, 0.25, b);
  const SplitIndices sc = split_dataset(d, 0.25, c);
  EXPECT_EQ(sa.kept, sb.kept);
  EXPECT_EQ(sa.held_out, sb.held_out);
  EXPECT_NE(sa.held_out, sc.held_out);
  EXPECT_EQ(sa.held_out.size(), sc.held_out.size());
  // The rng advances: a second split from the same generator differs.
  const SplitIndices again = split_dataset(d, 0.25, a);
  EXPECT_NE(again.held_out, sa.held_out);
}

TEST(Split, ZeroFractionKeepsEverything) {
  const Dataset d = classes_with_counts({5, 5});
  Rng rng(0);
  const SplitIndices s = split_dataset(d, 0.0, rng);
  EXPECT_TRUE(s.held_out.empty());
  expect_partition(s, d.size());
}

TEST(Split, RegressionIsASeededShuffle) {
  const Dataset d = regression_set(101);
  Rng a(5), b(5);
  const SplitIndices s = split_dataset(d, 0.25, a);
  expect_partition(s, 101);
  EXPECT_EQ(s.held_out.size(), 25u);
  EXPECT_EQ(split_dataset(d, 0.25, b).held_out, s.held_out);
  // Not simply the first or last quarter.
  EXPECT_NE(s.held_out.back() - s.held_out.front(), 24u);
}

TEST(Split, FractionOutOfRangeIsAUsageError) {
  const Dataset d = classes_with_counts({5, 5});
  for (double fraction : {-0.1, 1.0, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    Rng rng(0);
    try {
      split_dataset(d, fraction, rng);
      FAIL() << fraction;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("split fraction must be in [0, 1)"), std::string::npos)
          << e.what();
    }
  }
}

TEST(KFold, FoldsPartitionTheSamplesAndKeepClassProportions) {
  const std::vector<std::size_t> counts = {53, 21, 7, 3};
  const Dataset d = classes_with_counts(counts);
  Rng rng(9);
  const std::vector<SplitIndices> folds = kfold_splits(d, 5, rng);
  ASSERT_EQ(folds.size(), 5u);
  std::vector<std::size_t> all;
  std::size_t smallest = d.size(), largest = 0;
  for (const SplitIndices& f : folds) {
    expect_partition(f, d.size());  // kept and held_out split all samples
    all.insert(all.end(), f.held_out.begin(), f.held_out.end());
    smallest = std::min(smallest, f.held_out.size());
    largest = std::max(largest, f.held_out.size());
    // Each class: floor or ceil of count / 5 in every fold.
    const auto held = per_class(d, f.held_out);
    for (std::size_t c = 0; c < counts.size(); ++c) {
      EXPECT_GE(held[c], counts[c] / 5) << c;
      EXPECT_LE(held[c], (counts[c] + 4) / 5) << c;
    }
  }
  // The folds together hold every sample once.
  std::sort(all.begin(), all.end());
  std::vector<std::size_t> expected(d.size());
  std::iota(expected.begin(), expected.end(), std::size_t{0});
  EXPECT_EQ(all, expected);
  EXPECT_LE(largest - smallest, 1u);
}

TEST(KFold, SameSeedSameFoldsAndRegression) {
  const Dataset d = classes_with_counts({30, 30, 10});
  Rng a(4), b(4), c(5);
  const auto fa = kfold_splits(d, 3, a), fb = kfold_splits(d, 3, b), fc = kfold_splits(d, 3, c);
  for (std::size_t f = 0; f < 3; ++f) {
    EXPECT_EQ(fa[f].held_out, fb[f].held_out);
    EXPECT_EQ(fa[f].kept, fb[f].kept);
  }
  EXPECT_NE(fa[0].held_out, fc[0].held_out);

  const Dataset r = regression_set(11);
  Rng rng(1);
  const auto folds = kfold_splits(r, 4, rng);
  std::vector<std::size_t> sizes;
  for (const auto& f : folds) {
    expect_partition(f, 11);
    sizes.push_back(f.held_out.size());
  }
  EXPECT_EQ(sizes, (std::vector<std::size_t>{3, 3, 3, 2}));
}

TEST(KFold, FoldCountOutOfRangeIsAUsageError) {
  const Dataset d = classes_with_counts({2, 2});
  for (std::size_t k : {0, 1, 5}) {
    Rng rng(0);
    try {
      kfold_splits(d, k, rng);
      FAIL() << k;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage);
      EXPECT_NE(std::string(e.what()).find("cross-validation needs 2 to 4 folds"),
                std::string::npos)
          << e.what();
    }
  }
}

}  // namespace
}  // namespace scratchnet
