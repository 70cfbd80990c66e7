// Optimizer state set before the first step (init_state) is the state the
// first step starts from, and the weight decay can change between steps.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {
namespace {

TEST(OptimizerState, InitStateSizesZerosThatAGivenStateReplaces) {
  Tensor w(Shape{2}), g(Shape{2});
  w.fill(1.0f);
  g.fill(0.5f);
  const std::vector<Param<float>> params = {{"W", &w, &g, true}};
  OptimizerSettings settings;
  settings.lr = 0.1;
  settings.hyper = {{"momentum", 0.9}};
  auto momentum = make_optimizer("momentum", settings);
  EXPECT_EQ(momentum->state_slots(), 1);
  momentum->init_state(params);
  ASSERT_EQ(momentum->state().size(), 1u);
  EXPECT_EQ(momentum->state()[0].shape(), w.shape());
  EXPECT_EQ(momentum->state()[0][0], 0.0f);
  momentum->state()[0].fill(-0.2f);  // a velocity carried over from elsewhere
  momentum->init_state(params);       // sized already: kept
  momentum->step(params);
  // v = 0.9 * -0.2 - 0.1 * 0.5 = -0.23; w = 1 - 0.23
  EXPECT_FLOAT_EQ(momentum->state()[0][1], -0.23f);
  EXPECT_FLOAT_EQ(w[1], 0.77f);
}

TEST(OptimizerState, WeightDecayChangesForTheNextStep) {
  Tensor w(Shape{1}), g(Shape{1});
  w.fill(2.0f);
  g.fill(0.0f);
  const std::vector<Param<float>> params = {{"W", &w, &g, true}};
  OptimizerSettings settings;
  settings.lr = 0.5;
  auto sgd = make_optimizer("sgd", settings);
  sgd->step(params);
  EXPECT_FLOAT_EQ(w[0], 2.0f);
  sgd->set_weight_decay(0.1);
  sgd->step(params);  // w -= 0.5 * 0.1 * 2
  EXPECT_FLOAT_EQ(w[0], 1.9f);
  EXPECT_THROW(sgd->set_weight_decay(-1), Error);
}

}  // namespace
}  // namespace scratchnet
