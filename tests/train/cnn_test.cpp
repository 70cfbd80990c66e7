// A small convolutional network learns a synthetic image task that needs
// spatial structure: 8x8 single-channel images holding one horizontal or one
// vertical bar (length 5, random position) in gaussian noise.

#include <gtest/gtest.h>

#include "scratchnet/core/rng.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace {

constexpr std::size_t kSide = 8, kBar = 5;

// Class 0: a horizontal bar; class 1: a vertical bar. Pixels N(0, 0.3^2) plus 1 on the bar.
Dataset bars(std::size_t samples, std::uint64_t seed) {
  Rng rng(seed);
  Dataset d;
  d.name = "bars";
  d.task = Task::kClassification;
  d.sample_shape = Shape{1, kSide, kSide};
  d.class_names = {"horizontal", "vertical"};
  d.features.resize(samples * kSide * kSide);
  d.labels.resize(samples);
  for (std::size_t i = 0; i < samples; ++i) {
    float* image = d.features.data() + i * kSide * kSide;
    for (std::size_t p = 0; p < kSide * kSide; ++p)
      image[p] = static_cast<float>(0.3 * rng.normal());
    const bool vertical = rng.uniform() < 0.5;
    // Along the bar: kBar pixels from `start`; across it: one line `line`.
    const auto line = static_cast<std::size_t>(rng.below(kSide));
    const auto start = static_cast<std::size_t>(rng.below(kSide - kBar + 1));
    for (std::size_t t = start; t < start + kBar; ++t)
      image[vertical ? t * kSide + line : line * kSide + t] += 1.0f;
    d.labels[i] = vertical ? 1 : 0;
  }
  return d;
}

TEST(Cnn, LearnsHorizontalVersusVerticalBars) {
  const Dataset train = bars(1200, 1), test = bars(400, 2);
  Network<float> net({Shape{1, kSide, kSide},
                      {{"conv2d", {{"filters", 4}, {"kernel", 3}, {"padding", 1}}},
                       {"relu", {}},
                       {"max_pool2d", {{"size", 2}}},
                       {"flatten", {}},
                       {"dense", {{"units", 2}}}}});
  EXPECT_EQ(net.layer(0).output_shape(), (Shape{4, 8, 8}));
  EXPECT_EQ(net.layer(3).output_shape(), Shape{64});
  Rng rng(3);
  net.initialize(InitScheme(InitScheme::Kind::kAuto), rng);
  auto loss = make_loss<float>("softmax_cross_entropy");
  auto optimizer = make_optimizer("adam", {.lr = 0.01, .weight_decay = 0, .hyper = {}});
  TrainOptions options;
  options.epochs = 15;
  options.batch_size = 32;
  options.evaluate_train = false;
  Trainer trainer(net, *loss, *optimizer, options, rng);
  trainer.fit({.train = &train, .validation = nullptr, .test = nullptr}, {});
  EXPECT_GT(trainer.evaluate(test).accuracy, 0.95);
}

}  // namespace
}  // namespace scratchnet
