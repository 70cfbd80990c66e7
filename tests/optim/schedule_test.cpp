// Learning-rate schedules: the closed forms and the plateau rule.

#include <cmath>
#include <numbers>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/optim/schedule.h"

namespace scratchnet {
namespace {

TEST(LrSchedule, StepDecaysEveryNEpochs) {
  auto s = LrSchedule::parse("step:40:0.1", 0.01, 100);
  EXPECT_DOUBLE_EQ(s->next_lr(39, 0.01, 0), 0.01);
  EXPECT_NEAR(s->next_lr(40, 0.01, 0), 0.001, 1e-15);
  EXPECT_NEAR(s->next_lr(80, 0.001, 0), 0.0001, 1e-15);
}

TEST(LrSchedule, ExponentialAndCosine) {
  auto e = LrSchedule::parse("exp:0.5", 1.0, 10);
  EXPECT_DOUBLE_EQ(e->next_lr(3, 0, 0), 0.125);
  auto c = LrSchedule::parse("cosine", 1.0, 10);
  EXPECT_NEAR(c->next_lr(5, 0, 0), 0.5, 1e-12);
  EXPECT_NEAR(c->next_lr(10, 0, 0), 0.0, 1e-12);
  EXPECT_NEAR(c->next_lr(2, 0, 0), 0.5 * (1 + std::cos(std::numbers::pi * 0.2)), 1e-12);
}

TEST(LrSchedule, PlateauCutsAfterPatienceEpochsWithoutImprovement) {
  auto p = LrSchedule::parse("plateau:2:0.5", 1.0, 10);
  double lr = 1.0;
  lr = p->next_lr(1, lr, 1.0);  // improves (first value)
  EXPECT_EQ(lr, 1.0);
  lr = p->next_lr(2, lr, 1.1);  // 1 epoch without improvement
  EXPECT_EQ(lr, 1.0);
  lr = p->next_lr(3, lr, 1.2);  // 2: cut
  EXPECT_EQ(lr, 0.5);
  lr = p->next_lr(4, lr, 0.9);  // improves again
  EXPECT_EQ(lr, 0.5);
}

TEST(LrSchedule, BadFormsAreUsageErrors) {
  for (const char* bad : {"step", "step:0:0.1", "step:10:2", "exp:abc", "cosine:3", "warmup", ""})
    EXPECT_THROW(LrSchedule::parse(bad, 0.1, 10), Error) << bad;
}

}  // namespace
}  // namespace scratchnet
