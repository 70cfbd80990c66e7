// End-to-end training: XOR needs a hidden layer, digits is learnt quickly by
// every optimizer, runs are deterministic from the seed, and a run folder
// holds what it promises.

#include <cmath>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/app/run.h"
#include "support/random_data.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// The XOR truth table as a regression problem with one output, as in seed 002.
Dataset xor_table() {
  Dataset d;
  d.name = "xor truth table";
  d.task = Task::kRegression;
  d.sample_shape = Shape{2};
  d.features = {0, 0, 0, 1, 1, 0, 1, 1};
  d.targets = {0, 1, 1, 0};
  d.target_dim = 1;
  return d;
}

double train_xor(const std::vector<std::size_t>& hidden) {
  Dataset data = xor_table();
  Network<float> net({Shape{2}, mlp_layers(hidden, "tanh", 1)});
  Rng rng(1);
  net.initialize(InitScheme(InitScheme::Kind::kXavierNormal), rng);
  OptimizerSettings options;
  options.lr = 0.05;
  auto opt = make_optimizer("adam", options);
  auto loss = make_loss<float>("mse");
  TrainOptions train;
  train.epochs = 1500;
  train.batch_size = 4;
  train.evaluate_train = false;
  Trainer trainer(net, *loss, *opt, train, rng);
  trainer.fit({.train = &data, .validation = nullptr, .test = nullptr}, {});
  return trainer.evaluate(data).loss;
}

TEST(EndToEnd, XorIsLearntWithAHiddenLayerButNotByAPerceptron) {
  EXPECT_LT(train_xor({4}), 0.02);
  // The best linear fit predicts 0.5 everywhere: MSE 0.25.
  EXPECT_GT(train_xor({}), 0.2);
}

TrainConfig digits_config(const std::string& out) {
  TrainConfig c;
  c.data = "digits";
  c.layers = {100, 50};
  c.activation = "relu";
  c.epochs = 30;
  c.batch_size = 32;
  c.out = out;
  return c;
}

std::string temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scratchnet_test_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

TEST(EndToEnd, DigitsAbove95PercentWithAdam) {
  const std::string out = temp_dir("digits");
  const RunSummary s = run_training(digits_config(out), nullptr);
  EXPECT_GT(s.test_accuracy, 0.95);
  EXPECT_EQ(s.epochs, 30u);
  for (const char* file : {"model.snm", "metrics.csv", "summary.json", "config.toml"})
    EXPECT_TRUE(fs::exists(fs::path(out) / file)) << file;
  // metrics.csv: header and one row per epoch.
  std::ifstream metrics(fs::path(out) / "metrics.csv");
  std::string line;
  std::getline(metrics, line);
  EXPECT_EQ(line, "epoch,iteration,train_loss,running_train_accuracy,test_loss,test_accuracy,lr,seconds");
  int rows = 0;
  while (std::getline(metrics, line)) ++rows;
  EXPECT_EQ(rows, 30);
  // The saved model gives the same test accuracy when reloaded.
  Model model = load_model((fs::path(out) / "model.snm").string());
  PreparedData data = load_and_split(digits_config(out));
  model.scaler.apply(data.test);
  auto loss = make_loss<float>("softmax_cross_entropy");
  auto opt = make_optimizer("sgd", {});
  Rng rng(0);
  Trainer evaluator(*model.network, *loss, *opt, {}, rng);
  EXPECT_DOUBLE_EQ(evaluator.evaluate(data.test).accuracy, s.test_accuracy);
  fs::remove_all(out);
}

TEST(EndToEnd, EveryOptimizerLearnsDigitsWithItsDefaults) {
  for (const auto& type : registered_optimizer_types()) {
    const std::string out = temp_dir("digits_" + type);
    TrainConfig c = digits_config(out);
    c.optimizer = type;
    const RunSummary s = run_training(c, nullptr);
    EXPECT_GT(s.test_accuracy, 0.90) << type;
    fs::remove_all(out);
  }
}

TEST(EndToEnd, SameSeedGivesIdenticalRunsAndAnotherSeedDiffers) {
  // The weights, bit for bit (the files differ only in the output folder they record).
  auto weights = [](const std::string& dir) {
    Model m = load_model((fs::path(dir) / "model.snm").string());
    std::vector<float> all;
    for (const auto& p : m.network->params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
    return all;
  };
  TrainConfig c = digits_config(temp_dir("det_a"));
  c.epochs = 3;
  const RunSummary a = run_training(c, nullptr);
  const std::string dir_a = c.out;
  c.out = temp_dir("det_b");
  const RunSummary b = run_training(c, nullptr);
  EXPECT_EQ(a.test_loss, b.test_loss);
  EXPECT_EQ(weights(dir_a), weights(c.out));
  const std::string dir_b = c.out;
  c.out = temp_dir("det_c");
  c.seed = 43;
  const RunSummary other = run_training(c, nullptr);
  EXPECT_NE(a.test_loss, other.test_loss);
  for (const auto& d : {dir_a, dir_b, c.out}) fs::remove_all(d);
}

TEST(EndToEnd, OneAndTwoThreadsTrainTheSameWeights) {
  // Batch 512 through 784-256-10: the first layer's products (103M
  // multiply-adds) are split over the threads when there are two.
  const Dataset data = testing::random_three_classes(1024, 784, 3);
  auto train = [&](int threads) {
    set_num_threads(threads);
    Network<float> net({Shape{784}, mlp_layers({256}, "relu", 3)});
    Rng rng(1);
    net.initialize(InitScheme(InitScheme::Kind::kHeNormal), rng);
    auto opt = make_optimizer("adam", OptimizerSettings{});
    auto loss = make_loss<float>("softmax_cross_entropy");
    TrainOptions options;
    options.epochs = 2;
    options.batch_size = 512;
    options.evaluate_train = false;
    Trainer trainer(net, *loss, *opt, options, rng);
    trainer.fit({.train = &data, .validation = nullptr, .test = nullptr}, {});
    std::vector<float> all;
    for (const auto& p : net.params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
    set_num_threads(1);
    return all;
  };
  const auto one = train(1), two = train(2);
  EXPECT_EQ(one, two);
}

TEST(EndToEnd, DivergenceStopsWithItsOwnErrorAndKeepsTheLastGoodModel) {
  const std::string out = temp_dir("diverge");
  TrainConfig c = digits_config(out);
  c.optimizer = "sgd";
  c.lr = 1e6;
  c.epochs = 5;
  try {
    run_training(c, nullptr);
    FAIL() << "expected divergence";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kDivergence);
    const std::string message = e.what();
    EXPECT_NE(message.find("epoch 1, iteration"), std::string::npos) << message;
    EXPECT_NE(message.find("is the first whose output is not finite"), std::string::npos) << message;
  }
  // The folder holds the last good (here: initial, finite) weights and a summary saying so.
  Model model = load_model((fs::path(out) / "model.snm").string());
  for (const auto& p : model.network->params())
    for (float w : p.value->span()) ASSERT_TRUE(std::isfinite(w));
  std::ifstream summary(fs::path(out) / "summary.json");
  std::string text((std::istreambuf_iterator<char>(summary)), {});
  EXPECT_NE(text.find("\"diverged\": true"), std::string::npos) << text;
  for (const auto& entry : fs::directory_iterator(out))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos);
  fs::remove_all(out);
}

TEST(EndToEnd, ABadSettingLeavesNoOutputFolder) {
  const std::string out = temp_dir("bad_setting");
  TrainConfig c = digits_config(out);
  c.optimizer = "adamax";
  EXPECT_THROW(run_training(c, nullptr), Error);
  EXPECT_FALSE(fs::exists(out));
}

TEST(EndToEnd, SineRegressionFitsWell) {
  TrainConfig c;
  c.data = "sine";
  c.layers = {32, 32};
  c.activation = "tanh";
  c.epochs = 200;
  c.batch_size = 16;
  c.out = temp_dir("sine");
  const RunSummary s = run_training(c, nullptr);
  EXPECT_EQ(s.task, Task::kRegression);
  // The noise variance is 0.01; a good fit comes close to it.
  EXPECT_LT(s.test_loss, 0.02);
  fs::remove_all(c.out);
}

}  // namespace
}  // namespace scratchnet
