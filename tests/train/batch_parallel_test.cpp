// Batch-parallel steps (train/batch_parallel.h): against the reference, a
// plain step written out here (zero_grad, forward, loss, backward, update on
// the whole batch), the weights agree up to the order in which the samples'
// gradient terms are added; batch norm's batch statistics and dropout's masks
// are the plain step's; and 1 and 2 kernel threads give the same bits.

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/kernels.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/losses/softmax_cross_entropy.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/batch_parallel.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/trainer.h"
#include "support/random_data.h"

namespace scratchnet {
namespace {

struct Case {
  const char* name;
  Architecture architecture;
};

std::vector<Case> cases() {
  return {
      {"mlp", {Shape{12}, {{"dense", {{"units", 16}}}, {"relu", {}}, {"dense", {{"units", 16}}}, {"tanh", {}},
                           {"dense", {{"units", 3}}}}}},
      {"batch norm and dropout",
       {Shape{12},
        {{"dense", {{"units", 16}}}, {"batch_norm", {}}, {"relu", {}}, {"dropout", {{"rate", 0.3}}},
         {"dense", {{"units", 16}}}, {"sigmoid", {}}, {"dense", {{"units", 3}}}}}},
      {"conv",
       {Shape{2, 6, 6},
        {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"padding", 1}}}, {"relu", {}}, {"max_pool2d", {{"size", 2}}},
         {"flatten", {}}, {"dense", {{"units", 3}}}}}},
      {"residual block",
       {Shape{2, 6, 6},
        {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"padding", 1}}}, {"relu", {}},
         {"residual", {{"filters", 4}, {"stride", 2}}}, {"flatten", {}}, {"dense", {{"units", 3}}}}}},
      {"coupled first and last",
       {Shape{12}, {{"dropout", {{"rate", 0.2}}}, {"dense", {{"units", 8}}}, {"batch_norm", {}}}}},
  };
}

Tensor random_batch(const Shape& sample, std::size_t n, Rng& rng) {
  Tensor x(sample.with_batch(n));
  for (float& v : x.span()) v = static_cast<float>(rng.normal());
  return x;
}

std::unique_ptr<Network<float>> make_network(const Architecture& architecture) {
  auto net = std::make_unique<Network<float>>(architecture);
  Rng rng(21);
  net->initialize(InitScheme(InitScheme::Kind::kXavierNormal), rng);
  net->reseed(33);
  return net;
}

std::vector<float> flat(const Network<float>& net) {
  std::vector<float> all;
  for (const auto& p : net.params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
  for (const auto& b : net.buffers()) all.insert(all.end(), b.value->data(), b.value->data() + b.value->size());
  return all;
}

// Runs `steps` steps on seeded batches of `batch` rows; shares 1: the plain
// step written out, else BatchParallelStep with that many shares.
std::vector<float> train(const Architecture& architecture, std::size_t shares, std::size_t batch,
                         const char* optimizer_name, std::vector<double>* losses = nullptr, int steps = 4) {
  auto net = make_network(architecture);
  auto loss = make_loss<float>("softmax_cross_entropy");
  auto optimizer = make_optimizer(optimizer_name, {.lr = 0.05, .weight_decay = 1e-3, .hyper = {}});
  BatchParallelStep parallel(*net, *loss, *optimizer);
  Rng data(5);
  const std::size_t classes = net->output_shape().elements();
  for (int s = 0; s < steps; ++s) {
    const Tensor x = random_batch(architecture.input_shape, batch, data);
    std::vector<std::int32_t> labels(batch);
    for (auto& l : labels) l = static_cast<std::int32_t>(data.below(classes));
    const Targets<float> targets{labels, nullptr};
    double value;
    if (shares == 1) {
      net->zero_grad();
      value = loss->forward(net->forward(x, Mode::kTrain), targets);
      net->backward(loss->backward());
      optimizer->step(net->params());
    } else {
      value = parallel.step(x, targets, shares);
    }
    if (losses) losses->push_back(value);
  }
  return flat(*net);
}

TEST(BatchParallelStep, MatchesAPlainStepUpToTheOrderOfGradientSums) {
  for (const Case& c : cases())
    for (const std::size_t shares : {2, 3}) {
      std::vector<double> plain_losses, parallel_losses;
      // SGD: Adam would blow the rounding noise of a gradient that is 0 in
      // exact arithmetic (a bias before batch norm) up to steps of size lr.
      const auto plain = train(c.architecture, 1, 37, "sgd", &plain_losses);
      const auto parallel = train(c.architecture, shares, 37, "sgd", &parallel_losses);
      ASSERT_EQ(plain.size(), parallel.size());
      for (std::size_t i = 0; i < plain.size(); ++i)
        ASSERT_NEAR(parallel[i], plain[i], 2e-5 * (1 + std::abs(plain[i]))) << c.name << " shares " << shares << " [" << i << "]";
      // The first step's loss is over the same outputs: only the rows'
      // products were cut apart.
      EXPECT_NEAR(parallel_losses[0], plain_losses[0], 1e-6) << c.name;
      for (std::size_t s = 0; s < plain_losses.size(); ++s)
        EXPECT_NEAR(parallel_losses[s], plain_losses[s], 1e-4) << c.name << " step " << s;
    }
}

// Networks without batch-coupled layers take forward, loss and backward in one
// hand-over, each share with its own clone of the loss: regression (MSE) and
// class-weighted cross-entropy too.
TEST(BatchParallelStep, RegressionAndClassWeightsInTheOneHandOverPathMatchAPlainStep) {
  const Architecture mlp = cases()[0].architecture;
  for (const bool regression : {false, true}) {
    auto run = [&](std::size_t shares, int threads) {
      set_num_threads(threads);
      auto net = make_network(mlp);
      auto loss = make_loss<float>(regression ? "mse" : "softmax_cross_entropy");
      if (!regression) dynamic_cast<SoftmaxCrossEntropy<float>&>(*loss).set_class_weights({0.5f, 2.0f, 1.0f});
      auto optimizer = make_optimizer("sgd", {.lr = 0.05, .weight_decay = 0, .hyper = {}});
      BatchParallelStep parallel(*net, *loss, *optimizer);
      Rng data(9);
      std::vector<double> losses;
      for (int step = 0; step < 4; ++step) {
        const Tensor x = random_batch(mlp.input_shape, 37, data);
        std::vector<std::int32_t> labels(37);
        Tensor values(Shape{37, 3});
        for (auto& l : labels) l = static_cast<std::int32_t>(data.below(3));
        for (float& v : values.span()) v = static_cast<float>(data.normal());
        const Targets<float> targets = regression ? Targets<float>{{}, &values} : Targets<float>{labels, nullptr};
        if (shares == 1) {
          net->zero_grad();
          losses.push_back(loss->forward(net->forward(x, Mode::kTrain), targets));
          net->backward(loss->backward());
          optimizer->step(net->params());
        } else {
          losses.push_back(parallel.step(x, targets, shares));
        }
      }
      set_num_threads(1);
      return std::pair{flat(*net), losses};
    };
    const auto plain = run(1, 1), one = run(2, 1), two = run(2, 2);
    EXPECT_EQ(one.first, two.first) << (regression ? "mse" : "weighted");
    EXPECT_EQ(one.second, two.second);
    for (std::size_t i = 0; i < plain.first.size(); ++i)
      ASSERT_NEAR(two.first[i], plain.first[i], 2e-5 * (1 + std::abs(plain.first[i]))) << i;
    for (std::size_t s = 0; s < plain.second.size(); ++s) EXPECT_NEAR(two.second[s], plain.second[s], 1e-5);
  }
}

TEST(BatchParallelStep, ANonFiniteLossLeavesNoGradientAndNoUpdate) {
  const Architecture mlp = cases()[0].architecture;
  auto net = make_network(mlp);
  auto loss = make_loss<float>("mse");
  auto optimizer = make_optimizer("sgd", {.lr = 0.05, .weight_decay = 0, .hyper = {}});
  BatchParallelStep parallel(*net, *loss, *optimizer);
  Rng data(2);
  const Tensor x = random_batch(mlp.input_shape, 40, data);
  Tensor values(Shape{40, 3});
  values.at(30, 1) = std::numeric_limits<float>::quiet_NaN();  // a row of the second share
  const auto before = flat(*net);
  EXPECT_TRUE(std::isnan(parallel.step(x, {{}, &values}, 2)));
  EXPECT_EQ(flat(*net), before);
  for (const auto& p : net->params())
    for (const float g : p.grad->span()) ASSERT_EQ(g, 0.0f) << p.name;
  EXPECT_EQ(parallel.first_non_finite_layer(), -1);  // the outputs were finite: the targets were not
}

TEST(BatchParallelStep, OneAndTwoThreadsGiveTheSameBits) {
  for (const Case& c : cases()) {
    set_num_threads(1);
    const auto one = train(c.architecture, 2, 40, "adam");
    set_num_threads(2);
    const auto two = train(c.architecture, 2, 40, "adam");
    set_num_threads(1);
    EXPECT_EQ(one, two) << c.name;
  }
}

TEST(BatchParallelStep, SharesDependOnTheBatchAndTheNetworkOnly) {
  const Network<float> small({Shape{6}, {{"dense", {{"units", 5}}}}});
  const Network<float> large({Shape{784}, {{"dense", {{"units", 256}}}, {"relu", {}}, {"dense", {{"units", 10}}}}});
  EXPECT_EQ(BatchParallelStep::shares_for(small, 128, 2), 1u);  // too little work per share
  EXPECT_EQ(BatchParallelStep::shares_for(large, 128, 2), 2u);
  EXPECT_EQ(BatchParallelStep::shares_for(large, 128, 1), 1u);
  // shares under kMinShareRows rows
  EXPECT_EQ(BatchParallelStep::shares_for(large, 2 * BatchParallelStep::kMinShareRows - 1, 2), 1u);
  set_num_threads(2);
  EXPECT_EQ(BatchParallelStep::shares_for(large, 128, 2), 2u);
  set_num_threads(1);
}

TEST(BatchParallelStep, TrainerTakesItWhenAskedAndOneAndTwoThreadsAgree) {
  // 784-256-10 at batch 64 with max_shares 2: two shares of 32 rows. A whole
  // fit with 1 and with 2 threads gives the same weights.
  const Dataset data = testing::random_three_classes(300, 784, 3);
  const Architecture architecture{Shape{784}, {{"dense", {{"units", 256}}}, {"batch_norm", {}}, {"relu", {}},
                                               {"dropout", {{"rate", 0.1}}}, {"dense", {{"units", 3}}}}};
  auto fit = [&](int threads) {
    set_num_threads(threads);
    auto net = make_network(architecture);
    EXPECT_EQ(BatchParallelStep::shares_for(*net, 64, 2), 2u);
    auto opt = make_optimizer("adam", OptimizerSettings{});
    auto loss = make_loss<float>("softmax_cross_entropy");
    TrainOptions options;
    options.epochs = 2;
    options.batch_size = 64;
    options.max_shares = 2;
    options.evaluate_train = false;
    Rng rng(1);
    Trainer trainer(*net, *loss, *opt, options, rng);
    trainer.fit({.train = &data, .validation = nullptr, .test = nullptr}, {});
    set_num_threads(1);
    return flat(*net);
  };
  const auto one = fit(1), two = fit(2);
  EXPECT_EQ(one, two);
}

}  // namespace
}  // namespace scratchnet
