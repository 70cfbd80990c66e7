// Each optimizer's first three updates against values worked out
// independently (plain-Python transcriptions of the update rules in the
// papers and the book, run in double precision), for a 2-element weight
// vector with the gradient sequence g1 = (0.5, -1), g2 = (0.1, 0.2),
// g3 = (-0.3, 0.4), starting from w = (1, -2).

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/optim/optimizer.h"

namespace scratchnet {
namespace {

struct Expected {
  const char* type;
  double lr;
  double weight_decay;
  double w[3][2];  // after steps 1, 2, 3
};

const Expected kExpected[] = {
    {"sgd", 0.1, 0.0, {{0.95, -1.9}, {0.94, -1.92}, {0.97, -1.96}}},
    {"momentum", 0.1, 0.0, {{0.95, -1.9}, {0.895, -1.83}, {0.8755, -1.807}}},
    {"nesterov", 0.1, 0.0, {{0.905, -1.81}, {0.8455, -1.767}, {0.85795, -1.7863}}},
    {"adagrad", 0.1, 0.0,
     {{0.900000019999996, -1.900000009999999},
      {0.8803884103323307, -1.9196116215907406},
      {0.9310976570446146, -1.9561264554244187}}},
    {"rmsprop", 0.01, 0.0,
     {{0.9000001999996, -1.9000000999999},
      {0.880293653271189, -1.9197066661457294},
      {0.9313745107197874, -1.956534298735387}}},
    {"adam", 0.01, 0.0,
     {{0.9900000002, -1.9900000001},
      {0.9819695906384652, -1.9848897393990494},
      {0.9798624611763509, -1.9835473434208155}}},
    {"adamw", 0.01, 0.0,
     {{0.9900000002, -1.9900000001},
      {0.9819695906384652, -1.9848897393990494},
      {0.9798624611763509, -1.9835473434208155}}},
    // L2 weight decay 0.5 adds 0.5 w to each gradient (AdamW: to the step).
    {"sgd", 0.1, 0.5, {{0.9, -1.8}, {0.845, -1.73}, {0.83275, -1.6835}}},
    {"adam", 0.01, 0.5,
     {{0.9900000001, -1.99000000005},
      {0.9804359669468519, -1.9810238044586541},
      {0.9721084870694162, -1.9726411752800064}}},
    {"adamw", 0.01, 0.5,
     {{0.9850000002, -1.9800000001},
      {0.9720445906374652, -1.9649897393985494},
      {0.9650772382221635, -1.9538223947233229}}},
};

TEST(Optimizers, FirstThreeStepsMatchIndependentValues) {
  const float grads[3][2] = {{0.5f, -1.0f}, {0.1f, 0.2f}, {-0.3f, 0.4f}};
  for (const auto& e : kExpected) {
    OptimizerSettings options;
    options.lr = e.lr;
    options.weight_decay = e.weight_decay;
    auto opt = make_optimizer(e.type, options);
    Tensor w(Shape{2}), g(Shape{2});
    w[0] = 1.0f;
    w[1] = -2.0f;
    const std::vector<Param<float>> params = {{"W", &w, &g, true}};
    for (int step = 0; step < 3; ++step) {
      g[0] = grads[step][0];
      g[1] = grads[step][1];
      opt->step(params);
      for (int i = 0; i < 2; ++i)
        EXPECT_NEAR(w[i], e.w[step][i], 2e-6)
            << e.type << " wd " << e.weight_decay << " step " << step + 1 << " w[" << i << "]";
    }
    EXPECT_EQ(opt->steps(), 3);
  }
}

TEST(Optimizers, WeightDecaySkipsParametersWithoutDecay) {
  OptimizerSettings options;
  options.lr = 0.1;
  options.weight_decay = 0.5;
  auto opt = make_optimizer("sgd", options);
  Tensor b(Shape{1}), g(Shape{1});
  b[0] = 1.0f;
  g[0] = 0.0f;
  const std::vector<Param<float>> params = {{"b", &b, &g, false}};
  opt->step(params);
  EXPECT_FLOAT_EQ(b[0], 1.0f);
}

TEST(Optimizers, EveryRegisteredOptimizerIsTestedAndHasADefaultRate) {
  for (const auto& type : registered_optimizer_types()) {
    bool tested = false;
    for (const auto& e : kExpected) tested |= type == e.type;
    EXPECT_TRUE(tested) << type << " has no expected values";
    EXPECT_GT(default_learning_rate(type), 0.0);
  }
}

TEST(Optimizers, RejectsUnknownNameAndNegativeRate) {
  EXPECT_THROW(make_optimizer("adamax", {}), Error);
  OptimizerSettings negative;
  negative.lr = -0.1;
  EXPECT_THROW(make_optimizer("sgd", negative), Error);
}

// The update rules are vectorised by the compiler: the vector body and the
// scalar tail must compute the same number for the same inputs, so that a
// parameter's value never depends on where it sits in its tensor.
TEST(Optimizers, EveryPositionOfATensorIsUpdatedAlike) {
  constexpr std::size_t n = 77;  // not a multiple of any vector width
  for (const auto& type : registered_optimizer_types()) {
    OptimizerSettings settings;
    settings.weight_decay = 0.01;
    auto opt = make_optimizer(type, settings);
    Tensor w(Shape{n}), g(Shape{n});
    w.fill(0.7f);
    const std::vector<Param<float>> params = {{"W", &w, &g, true}};
    for (int step = 0; step < 3; ++step) {
      g.fill(0.3f - 0.2f * static_cast<float>(step));
      opt->step(params);
    }
    for (std::size_t i = 1; i < n; ++i) ASSERT_EQ(w[i], w[0]) << type << " position " << i;
  }
}

// A batch-parallel step updates parameter ranges on different threads
// (Optimizer::update_elements): cut anywhere, across and inside parameters,
// the pieces give step()'s numbers bit for bit, state included.
TEST(Optimizers, AnUpdateSplitIntoRangesEqualsOneStep) {
  const std::size_t sizes[] = {37, 5, 64, 1};
  for (const auto& type : registered_optimizer_types()) {
    OptimizerSettings settings;
    settings.weight_decay = 0.01;
    auto whole = make_optimizer(type, settings), split = make_optimizer(type, settings);
    std::vector<Tensor> w1, g1, w2, g2;
    for (std::size_t n : sizes) {
      for (auto* v : {&w1, &g1, &w2, &g2}) v->emplace_back(Shape{n});
    }
    std::vector<Param<float>> p1, p2;
    std::size_t total = 0;
    for (std::size_t i = 0; i < std::size(sizes); ++i) {
      for (std::size_t j = 0; j < sizes[i]; ++j) w1[i][j] = w2[i][j] = 0.1f * static_cast<float>(j % 7) - 0.3f;
      p1.push_back({"W", &w1[i], &g1[i], i % 2 == 0});
      p2.push_back({"W", &w2[i], &g2[i], i % 2 == 0});
      total += sizes[i];
    }
    // Cuts inside the first parameter, at a parameter's end, and past the last.
    const std::size_t cuts[] = {0, 13, 42, 100, total};
    for (int step = 0; step < 4; ++step) {
      for (std::size_t i = 0; i < std::size(sizes); ++i)
        for (std::size_t j = 0; j < sizes[i]; ++j)
          g1[i][j] = g2[i][j] = 0.05f * static_cast<float>((j * 5 + i + static_cast<std::size_t>(step)) % 11) - 0.2f;
      whole->step(p1);
      split->begin_update(p2);
      for (std::size_t c = std::size(cuts) - 1; c > 0; --c) split->update_elements(p2, cuts[c - 1], cuts[c]);
    }
    for (std::size_t i = 0; i < std::size(sizes); ++i)
      for (std::size_t j = 0; j < sizes[i]; ++j) ASSERT_EQ(w1[i][j], w2[i][j]) << type << " " << i << "," << j;
    ASSERT_EQ(whole->state().size(), split->state().size());
    for (std::size_t k = 0; k < whole->state().size(); ++k)
      for (std::size_t j = 0; j < whole->state()[k].size(); ++j)
        ASSERT_EQ(whole->state()[k][j], split->state()[k][j]) << type << " state " << k;
    EXPECT_EQ(split->steps(), 4);
  }
}

TEST(Optimizers, HyperParametersAreUsedAndCheckedAgainstTheirRange) {
  OptimizerSettings settings;
  settings.hyper = {{"rho", 0.9}, {"eps", 1e-6}, {"momentum", 0.5}};
  auto rmsprop = make_optimizer("rmsprop", settings);
  const auto used = rmsprop->hyper_parameters();
  ASSERT_EQ(used.size(), 2u);
  EXPECT_EQ(used[0].first, "rho");
  EXPECT_DOUBLE_EQ(used[0].second, 0.9);
  EXPECT_DOUBLE_EQ(used[1].second, 1e-6);
  // Unset ones take the optimizer's own default: eps 1e-8 for Adam, 1e-7 for AdaGrad.
  EXPECT_DOUBLE_EQ(make_optimizer("adam", {})->hyper_parameters()[2].second, 1e-8);
  EXPECT_DOUBLE_EQ(make_optimizer("adagrad", {})->hyper_parameters()[0].second, 1e-7);
  OptimizerSettings bad;
  bad.hyper = {{"beta1", 1.0}};
  try {
    make_optimizer("adam", bad);
    FAIL() << "beta1 = 1 was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("train.beta1"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("[0, 1)"), std::string::npos) << e.what();
  }
  // A setting the optimizer does not use is not an error.
  EXPECT_NO_THROW(make_optimizer("sgd", bad));
}

}  // namespace
}  // namespace scratchnet
