// warmup_cosine:W (optim/warmup_schedule.h): the factor of every step, and
// the rate LrScheduleCallback gives each step of a real fit.

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/synthetic.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/optim/warmup_schedule.h"
#include "scratchnet/train/callbacks.h"
#include "scratchnet/train/network.h"

namespace scratchnet {
namespace {

TEST(WarmupCosine, RisesLinearlyThenFollowsACosineToZero) {
  // 4 warm-up steps of 20.
  EXPECT_DOUBLE_EQ(WarmupCosine::factor(0, 4, 20), 0.25);
  EXPECT_DOUBLE_EQ(WarmupCosine::factor(2, 4, 20), 0.75);
  EXPECT_DOUBLE_EQ(WarmupCosine::factor(3, 4, 20), 1.0);
  EXPECT_DOUBLE_EQ(WarmupCosine::factor(4, 4, 20), 1.0);  // the cosine starts at the top
  EXPECT_NEAR(WarmupCosine::factor(12, 4, 20), 0.5, 1e-12);  // half way down
  EXPECT_NEAR(WarmupCosine::factor(8, 4, 20), 0.5 * (1 + std::cos(std::numbers::pi / 4)), 1e-12);
  EXPECT_NEAR(WarmupCosine::factor(19, 4, 20), 0.5 * (1 + std::cos(std::numbers::pi * 15 / 16)), 1e-12);
  // No warm-up: a cosine over the steps.
  EXPECT_DOUBLE_EQ(WarmupCosine::factor(0, 0, 10), 1.0);
  // A rate in epochs: 0.5 of 10 steps per epoch is 5 warm-up steps.
  const WarmupCosine s(0.1, 0.5, 3);
  EXPECT_TRUE(s.per_step());
  EXPECT_DOUBLE_EQ(s.step_lr(0, 10), 0.1 / 5);
  EXPECT_DOUBLE_EQ(s.step_lr(4, 10), 0.1);
  EXPECT_EQ(s.str(), "warmup_cosine:0.5");
}

TEST(WarmupCosine, ParsedByLrScheduleWithItsForm) {
  const auto s = LrSchedule::parse("warmup_cosine:1", 0.01, 5);
  EXPECT_TRUE(s->per_step());
  EXPECT_EQ(s->str(), "warmup_cosine:1");
  EXPECT_FALSE(LrSchedule::parse("cosine", 0.01, 5)->per_step());
  for (const char* bad : {"warmup_cosine", "warmup_cosine:", "warmup_cosine:-1", "warmup_cosine:x",
                          "warmup_cosine:1:2"})
    EXPECT_THROW(LrSchedule::parse(bad, 0.01, 5), Error) << bad;
}

// Records the optimizer's rate before every step.
class RateRecorder final : public TrainCallback {
 public:
  void on_fit_begin(Trainer& trainer, const FitData&, const TrainingState*) override {
    rates.push_back(trainer.optimizer().lr());
  }
  void on_step(Trainer& trainer, const StepInfo&) override { rates.push_back(trainer.optimizer().lr()); }
  std::vector<double> rates;
};

TEST(WarmupCosine, TheCallbackSetsTheRateOfEveryStep) {
  const Dataset train = make_xor(40, 3);  // batch 8: 5 steps per epoch
  Network<float> net({train.sample_shape, mlp_layers({4}, "tanh", train.num_outputs())});
  Rng rng(1);
  net.initialize(InitScheme(InitScheme::Kind::kAuto), rng);
  auto loss = make_loss<float>(train.task == Task::kClassification ? "softmax_cross_entropy" : "mse");
  TrainOptions options;
  options.evaluate_train = false;  // 3 epochs of batch 8
  options.batch_size = 8;
  options.epochs = 3;
  auto sgd = make_optimizer("sgd", {.lr = 0.2, .weight_decay = 0, .hyper = {}});
  Trainer trainer(net, *loss, *sgd, options, rng);
  LrScheduleCallback schedule("warmup_cosine:1", 0.2, options.epochs);
  RateRecorder recorder;  // after the schedule: sees the rate set for the next step
  std::vector<TrainCallback*> callbacks = {&schedule, &recorder};
  const FitResult fit = trainer.fit({.train = &train, .validation = nullptr, .test = nullptr}, callbacks);
  ASSERT_EQ(recorder.rates.size(), 16u);  // before step 0, then after each of 15 steps
  for (std::size_t step = 0; step < 15; ++step)
    EXPECT_NEAR(recorder.rates[step], 0.2 * WarmupCosine::factor(static_cast<std::int64_t>(step), 5, 15), 1e-12)
        << "step " << step;
  // Each epoch records the rate its first step used.
  ASSERT_EQ(fit.history.size(), 3u);
  EXPECT_NEAR(fit.history[1].lr, 0.2 * WarmupCosine::factor(5, 5, 15), 1e-12);
}

}  // namespace
}  // namespace scratchnet
