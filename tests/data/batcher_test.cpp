// BatchSampler: batch sizes with a remainder, each epoch a permutation, the
// order a function of the Rng alone; Dataset::gather fills batches.

#include "scratchnet/data/batcher.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <string>
#include <vector>

#include "scratchnet/core/error.h"
#include "scratchnet/data/dataset.h"

namespace scratchnet {
namespace {

std::vector<std::size_t> epoch_order(const BatchSampler& sampler) {
  std::vector<std::size_t> order;
  for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
    const auto batch = sampler.batch(b);
    order.insert(order.end(), batch.begin(), batch.end());
  }
  return order;
}

TEST(Batcher, KeepsTheRemainderBatch) {
  BatchSampler sampler(10, 4);
  Rng rng(1);
  sampler.shuffle(rng);
  EXPECT_EQ(sampler.samples(), 10u);
  EXPECT_EQ(sampler.batch_size(), 4u);
  ASSERT_EQ(sampler.num_batches(), 3u);
  EXPECT_EQ(sampler.batch(0).size(), 4u);
  EXPECT_EQ(sampler.batch(1).size(), 4u);
  EXPECT_EQ(sampler.batch(2).size(), 2u);
  EXPECT_THROW(sampler.batch(3), Error);

  EXPECT_EQ(BatchSampler(8, 4).num_batches(), 2u);
  EXPECT_EQ(BatchSampler(3, 100).num_batches(), 1u);
  EXPECT_EQ(BatchSampler(3, 100).batch(0).size(), 3u);
  EXPECT_EQ(BatchSampler(0, 4).num_batches(), 0u);
}

TEST(Batcher, BeforeShuffleTheOrderIsSequential) {
  const BatchSampler sampler(5, 2);
  EXPECT_EQ(epoch_order(sampler), (std::vector<std::size_t>{0, 1, 2, 3, 4}));
}

TEST(Batcher, EachEpochIsAPermutation) {
  BatchSampler sampler(10, 4);
  Rng rng(2024);
  std::vector<std::vector<std::size_t>> epochs;
  for (int epoch = 0; epoch < 5; ++epoch) {
    sampler.shuffle(rng);
    std::vector<std::size_t> order = epoch_order(sampler);
    epochs.push_back(order);
    std::sort(order.begin(), order.end());
    std::vector<std::size_t> identity(10);
    std::iota(identity.begin(), identity.end(), std::size_t{0});
    EXPECT_EQ(order, identity) << "epoch " << epoch;
  }
  // Fresh orders: not all epochs alike.
  EXPECT_FALSE(std::all_of(epochs.begin(), epochs.end(),
                           [&](const auto& e) { return e == epochs.front(); }));
}

TEST(Batcher, DeterministicFromTheRng) {
  BatchSampler a(100, 7), b(100, 7);
  Rng ra(9), rb(9);
  for (int epoch = 0; epoch < 3; ++epoch) {
    a.shuffle(ra);
    b.shuffle(rb);
    EXPECT_EQ(epoch_order(a), epoch_order(b));
  }
  // The order depends on the Rng state only, not on earlier epochs.
  Rng r1(11), r2(11);
  BatchSampler fresh(100, 7), used(100, 7);
  Rng other(5);
  used.shuffle(other);
  fresh.shuffle(r1);
  used.shuffle(r2);
  EXPECT_EQ(epoch_order(fresh), epoch_order(used));
}

TEST(Batcher, BatchSizeZeroIsAUsageError) {
  try {
    BatchSampler sampler(10, 0);
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("batch size"), std::string::npos);
  }
}

TEST(Batcher, GatherFillsBatchesAndReusesCapacity) {
  Dataset d;
  d.sample_shape = Shape{2};
  d.class_names = {"a", "b", "c"};
  for (int i = 0; i < 10; ++i) {
    d.features.push_back(static_cast<float>(i));
    d.features.push_back(static_cast<float>(10 * i));
    d.labels.push_back(i % 3);
  }
  BatchSampler sampler(d.size(), 4);
  Rng rng(3);
  sampler.shuffle(rng);
  Tensor x, targets;
  std::vector<std::int32_t> labels;
  d.gather(sampler.batch(0), x, labels, targets);
  const float* storage = x.data();
  ASSERT_EQ(x.shape(), (Shape{4, 2}));
  for (std::size_t i = 0; i < 4; ++i) {
    const std::size_t src = sampler.batch(0)[i];
    EXPECT_EQ(x.at(i, 0), static_cast<float>(src));
    EXPECT_EQ(x.at(i, 1), static_cast<float>(10 * src));
    EXPECT_EQ(labels[i], static_cast<std::int32_t>(src % 3));
  }
  d.gather(sampler.batch(2), x, labels, targets);  // remainder of 2
  EXPECT_EQ(x.shape(), (Shape{2, 2}));
  EXPECT_EQ(labels.size(), 2u);
  EXPECT_EQ(x.data(), storage);  // no reallocation for a smaller batch

  // Regression targets.
  Dataset r;
  r.task = Task::kRegression;
  r.sample_shape = Shape{1};
  r.target_dim = 2;
  r.features = {1, 2, 3};
  r.targets = {10, 11, 20, 21, 30, 31};
  EXPECT_EQ(r.size(), 3u);
  const std::vector<std::size_t> indices{2, 0};
  r.gather(indices, x, labels, targets);
  EXPECT_EQ(x.shape(), (Shape{2, 1}));
  EXPECT_EQ(targets.shape(), (Shape{2, 2}));
  EXPECT_EQ(std::vector<float>(targets.data(), targets.data() + 4),
            (std::vector<float>{30, 31, 10, 11}));
  EXPECT_TRUE(labels.empty());

  const Dataset sub = r.subset(indices);
  EXPECT_EQ(sub.features, (std::vector<float>{3, 1}));
  EXPECT_EQ(sub.targets, (std::vector<float>{30, 31, 10, 11}));
  EXPECT_EQ(sub.num_outputs(), 2u);
}

}  // namespace
}  // namespace scratchnet
