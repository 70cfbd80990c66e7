// Data-parallel training as the README describes it, without MPI: N
// Trainers in N threads, joined by a communicator that sums in rank order,
// against a one-process emulation written here from the README's account:
//   - every process draws the same shuffle and takes its contiguous share of
//     each global batch (shard_of: 11, 11, 10 for 32 over 3);
//   - batch norm normalises with each shard's own statistics;
//   - dropout masks are seeded per process;
//   - the shards' mean gradients, weighted by their share of the batch, are
//     summed, and every process applies the same update;
//   - the running statistics are averaged across processes every epoch.
// The emulation uses the library's building blocks only (Network, loss,
// optimizer, BatchSampler, shard_of); the weights and running statistics of
// every rank must equal the emulation's, bit for bit (the same float
// operations in the same order).

#include <barrier>
#include <memory>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/communicator.h"
#include "scratchnet/data/batcher.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/adam.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace {

// N threads as N processes: allreduce_sum waits for all, then each adds the
// N contributions in rank order, so every rank gets the same sum.
class ThreadGroup {
 public:
  explicit ThreadGroup(int size) : size_(size), sync_(size), floats_(size), doubles_(size) {}

  class Member final : public Communicator {
   public:
    Member(ThreadGroup& group, int rank) : group_(group), rank_(rank) {}
    int rank() const override { return rank_; }
    int size() const override { return group_.size_; }
    void allreduce_sum(std::span<float> values) override {
      group_.reduce(rank_, values, group_.floats_);
    }
    void allreduce_sum(std::span<double> values) override {
      group_.reduce(rank_, values, group_.doubles_);
    }
    [[noreturn]] void abort(int /*code*/) override { std::terminate(); }
    std::string describe() const override { return "threads"; }

   private:
    ThreadGroup& group_;
    int rank_;
  };

 private:
  template <class T>
  void reduce(int rank, std::span<T> values, std::vector<std::span<T>>& slots) {
    slots[static_cast<std::size_t>(rank)] = values;
    sync_.arrive_and_wait();
    std::vector<T> sum(slots[0].begin(), slots[0].end());
    for (int r = 1; r < size_; ++r)
      for (std::size_t i = 0; i < sum.size(); ++i) sum[i] += slots[static_cast<std::size_t>(r)][i];
    sync_.arrive_and_wait();  // every rank has read every contribution
    std::copy(sum.begin(), sum.end(), values.begin());
  }

  int size_;
  std::barrier<> sync_;
  std::vector<std::span<float>> floats_;
  std::vector<std::span<double>> doubles_;
};

constexpr std::uint64_t kSeed = 5;
constexpr std::size_t kEpochs = 2, kBatch = 32;
// 203 samples: 6 batches of 32 and a remainder of 11 (shards 4, 4, 3 over 3 ranks).
Dataset training_data() {
  DataOptions options;
  options.source = "digits";
  Dataset all = load_dataset(options);
  std::vector<std::size_t> first(203);
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
  Dataset d = all.subset(first);
  Scaler::fit(ScalerKind::kStandard, d).apply(d);
  return d;
}

Architecture architecture() {
  return {Shape{64},
          {{"dense", {{"units", 24}}},
           {"batch_norm", {}},
           {"relu", {}},
           {"dropout", {{"rate", 0.3}}},
           {"dense", {{"units", 10}}}}};
}

std::unique_ptr<Network<float>> initial_network() {
  auto net = std::make_unique<Network<float>>(architecture());
  Rng rng(kSeed);
  net->initialize(InitScheme::parse("he"), rng);
  return net;
}

std::unique_ptr<Optimizer> optimizer() {
  return std::make_unique<Adam>(AdamOptions{.lr = 0.01});
}

// Parameters then buffers, flattened.
std::vector<float> state_of(const Network<float>& net) {
  std::vector<float> all;
  for (const auto& t : net.snapshot()) all.insert(all.end(), t.data(), t.data() + t.size());
  return all;
}

// The trainer's seed for layer randomness, and the per-process seed it gives
// epoch `epoch` of rank `rank` (src/train/trainer.cpp).
constexpr std::uint64_t kLayerSeed = 77;
std::uint64_t dropout_seed(std::size_t epoch, int rank) {
  return kLayerSeed + epoch + 0x9e3779b97f4aULL * static_cast<std::uint64_t>(rank);
}

// The README's algorithm, one process playing every rank.
std::vector<std::vector<float>> emulate(const Dataset& data, int ranks) {
  std::vector<std::unique_ptr<Network<float>>> nets;
  std::vector<std::unique_ptr<Optimizer>> optimizers;
  for (int r = 0; r < ranks; ++r) {
    nets.push_back(initial_network());
    optimizers.push_back(optimizer());
  }
  auto loss = make_loss<float>("softmax_cross_entropy");
  Rng shuffle(kSeed);
  BatchSampler sampler(data.size(), kBatch);
  Tensor x, y;
  std::vector<std::int32_t> labels;
  for (std::size_t epoch = 1; epoch <= kEpochs; ++epoch) {
    sampler.shuffle(shuffle);
    for (int r = 0; r < ranks; ++r)
      nets[static_cast<std::size_t>(r)]->reseed(dropout_seed(epoch, r));
    for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
      const auto batch = sampler.batch(b);
      // Each rank: forward and backward on its shard (its own batch statistics).
      std::vector<std::vector<float>> weighted(static_cast<std::size_t>(ranks));
      for (int r = 0; r < ranks; ++r) {
        Network<float>& net = *nets[static_cast<std::size_t>(r)];
        const Shard shard = shard_of(batch.size(), r, ranks);
        net.zero_grad();
        if (shard.end > shard.begin) {
          data.gather(batch.subspan(shard.begin, shard.end - shard.begin), x, labels, y);
          loss->forward(net.forward(x, Mode::kTrain), Targets<float>{labels, &y});
          net.backward(loss->backward());
        }
        const float share =
            static_cast<float>(shard.end - shard.begin) / static_cast<float>(batch.size());
        for (const auto& p : net.params())
          for (float g : p.grad->span()) weighted[static_cast<std::size_t>(r)].push_back(g * share);
      }
      // The sum in rank order; every rank steps with it.
      std::vector<float> sum = weighted[0];
      for (int r = 1; r < ranks; ++r)
        for (std::size_t i = 0; i < sum.size(); ++i)
          sum[i] += weighted[static_cast<std::size_t>(r)][i];
      for (int r = 0; r < ranks; ++r) {
        Network<float>& net = *nets[static_cast<std::size_t>(r)];
        std::size_t at = 0;
        for (const auto& p : net.params())
          for (float& g : p.grad->span()) g = sum[at++];
        optimizers[static_cast<std::size_t>(r)]->step(net.params());
      }
    }
    // Running statistics: the mean over ranks, in every rank.
    const std::size_t buffers = nets[0]->buffers().size();
    for (std::size_t k = 0; k < buffers; ++k) {
      Tensor mean = *nets[0]->buffers()[k].value;
      for (int r = 1; r < ranks; ++r) {
        const Tensor& other = *nets[static_cast<std::size_t>(r)]->buffers()[k].value;
        for (std::size_t i = 0; i < mean.size(); ++i) mean[i] += other[i];
      }
      for (float& v : mean.span()) v /= static_cast<float>(ranks);
      for (auto& net : nets) *net->buffers()[k].value = mean;
    }
  }
  std::vector<std::vector<float>> states;
  for (const auto& net : nets) states.push_back(state_of(*net));
  return states;
}

// The trainer, rank r in thread r.
std::vector<std::vector<float>> train_in_threads(const Dataset& data, int ranks) {
  ThreadGroup group(ranks);
  std::vector<std::vector<float>> states(static_cast<std::size_t>(ranks));
  std::vector<std::thread> threads;
  for (int r = 0; r < ranks; ++r)
    threads.emplace_back([&, r] {
      ThreadGroup::Member comm(group, r);
      auto net = initial_network();
      auto opt = optimizer();
      auto loss = make_loss<float>("softmax_cross_entropy");
      Rng shuffle(kSeed);
      TrainOptions options;
      options.epochs = kEpochs;
      options.batch_size = kBatch;
      options.seed = kLayerSeed;
      options.evaluate_train = false;
      options.comm = &comm;
      Trainer trainer(*net, *loss, *opt, options, shuffle);
      trainer.fit({.train = &data, .validation = nullptr, .test = nullptr}, {});
      states[static_cast<std::size_t>(r)] = state_of(*net);
    });
  for (auto& t : threads) t.join();
  return states;
}

class DataParallel : public ::testing::TestWithParam<int> {};

TEST_P(DataParallel, RanksMatchTheOneProcessEmulationWithBatchNormAndDropout) {
  const int ranks = GetParam();
  const Dataset data = training_data();
  const auto trained = train_in_threads(data, ranks);
  const auto emulated = emulate(data, ranks);
  for (int r = 0; r < ranks; ++r) {
    const auto& a = trained[static_cast<std::size_t>(r)];
    const auto& b = emulated[static_cast<std::size_t>(r)];
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i)
      ASSERT_EQ(a[i], b[i]) << "rank " << r << " value " << i;
    EXPECT_EQ(a, trained[0]) << "rank " << r << " holds other weights than rank 0";
  }
  // The emulation is not trivially the single-process run: per-shard
  // statistics and per-rank masks make it another one.
  EXPECT_NE(emulate(data, 1)[0], emulated[0]);
}

INSTANTIATE_TEST_SUITE_P(Ranks, DataParallel, ::testing::Values(2, 3));

}  // namespace
}  // namespace scratchnet
