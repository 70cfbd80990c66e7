// Issue 20 (time to accuracy): the running train metrics against the full
// eval-mode pass, the test split every N epochs, and train.stop_at (parsing,
// stopping, the summary's fields).

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include <fmt/format.h>

#include "scratchnet/app/metrics_file.h"
#include "scratchnet/app/prepared_data.h"
#include "scratchnet/app/run.h"
#include "scratchnet/core/error.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/stop_at.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

std::string temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scratchnet_tta_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

std::string first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string file_text(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// The digits split as a run makes it (scaled), and an MLP for it.
struct DigitsFit {
  PreparedData data;
  Network<float> net;
  std::unique_ptr<Loss<float>> loss = make_loss<float>("softmax_cross_entropy");

  explicit DigitsFit(std::uint64_t seed = 5)
      : data(prepare()), net({data.train.sample_shape, mlp_layers({32}, "relu", data.train.num_outputs())}) {
    Rng rng(seed);
    net.initialize(InitScheme(InitScheme::Kind::kAuto), rng);
  }
  static PreparedData prepare() {
    TrainConfig c;
    c.data = "digits";
    PreparedData d = load_and_split(c);
    fit_scaler(d, ScalerKind::kStandard);
    return d;
  }
  std::vector<EpochStats> fit(TrainOptions options, double lr) {
    auto optimizer = make_optimizer("sgd", {.lr = lr, .weight_decay = 0, .hyper = {}});
    Rng rng(7);
    Trainer trainer(net, *loss, *optimizer, options, rng);
    return trainer.fit({.train = &data.train, .validation = nullptr, .test = &data.test}, {}).history;
  }
};

// Options of a fit without the full pass (running train metrics).
TrainOptions running_options(std::size_t epochs, std::size_t batch_size) {
  TrainOptions options;
  options.epochs = epochs;
  options.batch_size = batch_size;
  options.evaluate_train = false;
  return options;
}

TEST(TrainMetrics, RunningAccuracyCountsTheBatchesOfAFixedModelAsTheFullPassDoes) {
  // With a rate too small to move a weight, every batch sees the same model,
  // so the running accuracy over the epoch's batches must equal the eval-mode
  // pass (no dropout or batch norm: both modes compute the same outputs).
  DigitsFit fixed;
  TrainOptions options = running_options(2, 50);  // a remainder batch too
  const auto running = fixed.fit(options, 1e-30);
  options.evaluate_train = true;
  const auto full = fixed.fit(options, 1e-30);
  ASSERT_EQ(running.size(), 2u);
  for (std::size_t e = 0; e < 2; ++e) {
    EXPECT_TRUE(std::isfinite(running[e].train_accuracy));
    EXPECT_DOUBLE_EQ(running[e].train_accuracy, full[e].train_accuracy);
    EXPECT_TRUE(std::isnan(running[e].train_eval_loss)) << "no full pass was made";
    EXPECT_NEAR(running[e].train_loss, full[e].train_eval_loss, 1e-4);
  }
}

TEST(TrainMetrics, RunningAccuracyTrailsTheEndOfEpochModelWhileItLearns) {
  // While the model improves, the batches of an epoch are classified by the
  // earlier, worse weights: the first epoch's running accuracy is below the
  // accuracy of the model at the epoch's end.
  DigitsFit learner;
  const double running = learner.fit(running_options(1, 32), 0.05)[0].train_accuracy;
  auto unused = make_optimizer("sgd", {});
  Rng rng(1);
  Trainer evaluator(learner.net, *learner.loss, *unused, {}, rng);
  const double full = evaluator.evaluate(learner.data.train).accuracy;
  EXPECT_GT(running, 0.3);
  EXPECT_LT(running, full);
}

TEST(TrainMetrics, MetricsCsvHeaderSaysWhichOneARunUsed) {
  for (const char* mode : {"running", "full"}) {
    TrainConfig c;
    c.data = "digits";
    c.layers = {16};
    c.epochs = 2;
    c.out = temp_dir(std::string("header_") + mode);
    c.set("train.train_metrics", mode);
    const RunSummary s = run_training(c, nullptr);
    const std::string header = first_line(c.out + "/metrics.csv");
    const bool running = std::string(mode) == "running";
    EXPECT_EQ(header, running ? "epoch,iteration,train_loss,running_train_accuracy,test_loss,test_accuracy,lr,seconds"
                              : "epoch,iteration,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds,"
                                "train_eval_loss");
    const MetricsTable table = read_metrics(c.out + "/metrics.csv");
    const auto* accuracy = table.column(running ? "running_train_accuracy" : "train_accuracy");
    ASSERT_NE(accuracy, nullptr);
    EXPECT_TRUE(std::isfinite(accuracy->back()));
    EXPECT_EQ(s.train_metrics, mode);
    const std::string json = file_text(c.out + "/summary.json");
    EXPECT_NE(json.find(fmt::format("\"train_metrics\": \"{}\"", mode)), std::string::npos) << json;
    fs::remove_all(c.out);
  }
}

TEST(EvaluateTest, EveryNthEpochAndTheLast) {
  DigitsFit fit;
  TrainOptions options = running_options(7, 64);
  options.test_every = 3;
  const auto history = fit.fit(options, 0.01);
  ASSERT_EQ(history.size(), 7u);
  for (const EpochStats& e : history) {
    const bool due = e.epoch == 3 || e.epoch == 6 || e.epoch == 7;
    EXPECT_EQ(std::isfinite(e.test_accuracy), due) << "epoch " << e.epoch;
    EXPECT_EQ(std::isfinite(e.test_loss), due) << "epoch " << e.epoch;
  }
}

TEST(EvaluateTest, TakesTrueFalseOrAnIntervalInOneKey) {
  TrainConfig c;
  EXPECT_EQ(c.get("train.evaluate_test"), "true");
  c.set("train.evaluate_test", "5");
  EXPECT_EQ(c.evaluate_test, 5u);
  EXPECT_EQ(c.get("train.evaluate_test"), "5");
  c.set("train.evaluate_test", "false");
  EXPECT_EQ(c.evaluate_test, 0u);
  c.set("evaluate_test", "1");
  EXPECT_EQ(c.get("train.evaluate_test"), "true");
  EXPECT_NE(error_of([&] { c.set("train.evaluate_test", "-2"); }).find("train.evaluate_test"), std::string::npos);
  EXPECT_NE(error_of([&] { c.set("train.evaluate_test", "often"); }).find("true or false"), std::string::npos);
  // TOML: a boolean or an integer, and to_toml writes what reads back.
  for (const char* value : {"true", "false", "4"}) {
    TrainConfig a;
    a.load_toml_text(fmt::format("[train]\nevaluate_test = {}\n", value), "test.toml");
    EXPECT_EQ(a.get("train.evaluate_test"), value);
    TrainConfig b;
    b.load_toml_text(a.to_toml(), "round trip");
    EXPECT_EQ(b.evaluate_test, a.evaluate_test) << value;
  }
}

TEST(StopAt, ParsesValidationTargets) {
  const auto accuracy = StopTarget::parse("val_accuracy>=0.90");
  ASSERT_TRUE(accuracy);
  EXPECT_EQ(accuracy->metric, Monitor::kValAccuracy);
  EXPECT_DOUBLE_EQ(accuracy->value, 0.9);
  EXPECT_EQ(accuracy->str(), "val_accuracy>=0.9");
  const auto loss = StopTarget::parse(" val_loss <= 0.25 ");
  ASSERT_TRUE(loss);
  EXPECT_EQ(loss->metric, Monitor::kValLoss);
  EXPECT_DOUBLE_EQ(loss->value, 0.25);
  EXPECT_FALSE(StopTarget::parse(""));
  EpochStats stats;
  stats.val_accuracy = 0.9;
  stats.val_loss = 0.3;
  EXPECT_TRUE(accuracy->reached(stats));
  EXPECT_FALSE(loss->reached(stats));
  TrainConfig c;
  c.set("train.stop_at", "val_accuracy >= 0.95");
  EXPECT_EQ(c.stop_at, "val_accuracy>=0.95");
  EXPECT_DOUBLE_EQ(c.effective_validation_fraction(), 0.1) << "a target watches a validation split";
}

TEST(StopAt, RejectsTestMetricsSayingWhyAndOtherForms) {
  const std::string test = error_of([] { StopTarget::parse("test_accuracy>=0.9"); });
  EXPECT_NE(test.find("validation metrics only"), std::string::npos) << test;
  EXPECT_NE(test.find("select the model on it"), std::string::npos) << test;
  for (const char* bad : {"train_loss<=0.1", "val_accuracy<=0.9", "val_loss>=0.2", "val_accuracy>=1.5",
                          "val_accuracy>=x", "val_accuracy=0.9", "val_accuracy>0.9", "0.9"})
    EXPECT_NE(error_of([&] { StopTarget::parse(bad); }), "(no error)") << bad;
  TrainConfig c;
  EXPECT_NE(error_of([&] { c.set("train.stop_at", "test_loss<=0.2"); }).find("train.stop_at"), std::string::npos);
}

TrainConfig digits_with_target(const std::string& target, std::size_t epochs, const std::string& out) {
  TrainConfig c;
  c.data = "digits";
  c.layers = {32};
  c.epochs = epochs;
  c.validation_fraction = 0.2;
  c.stop_at = target;
  c.out = out;
  return c;
}

TEST(StopAt, StopsAtTheFirstEpochThatMeetsTheTargetAndRecordsIt) {
  const std::string out = temp_dir("stop_at");
  const RunSummary s = run_training(digits_with_target("val_accuracy>=0.9", 40, out), nullptr);
  ASSERT_TRUE(s.target_reached_epoch);
  EXPECT_EQ(*s.target_reached_epoch, s.epochs);
  EXPECT_LT(s.epochs, 40u);
  EXPECT_TRUE(s.stopped_early);
  EXPECT_NE(s.stop_reason.find("reached the target val_accuracy>=0.9"), std::string::npos) << s.stop_reason;
  ASSERT_TRUE(s.seconds_to_target);
  EXPECT_GT(*s.seconds_to_target, 0);
  EXPECT_LE(*s.seconds_to_target, s.train_seconds);
  // The epochs before it did not meet it; the last one did.
  const MetricsTable m = read_metrics(out + "/metrics.csv");
  const auto& val = *m.column("val_accuracy");
  ASSERT_EQ(val.size(), s.epochs);
  EXPECT_GE(val.back(), 0.9);
  for (std::size_t e = 0; e + 1 < val.size(); ++e) EXPECT_LT(val[e], 0.9) << "epoch " << e + 1;
  const std::string json = file_text(out + "/summary.json");
  EXPECT_NE(json.find(fmt::format("\"target_reached_epoch\": {}", s.epochs)), std::string::npos) << json;
  EXPECT_NE(json.find("\"stop_at\": \"val_accuracy>=0.9\""), std::string::npos) << json;
  fs::remove_all(out);
}

TEST(StopAt, ATargetNotReachedIsNullInTheSummary) {
  const std::string out = temp_dir("stop_at_missed");
  const RunSummary s = run_training(digits_with_target("val_loss<=0", 2, out), nullptr);
  EXPECT_FALSE(s.target_reached_epoch);
  EXPECT_FALSE(s.seconds_to_target);
  EXPECT_EQ(s.epochs, 2u);
  EXPECT_FALSE(s.stopped_early);
  const std::string json = file_text(out + "/summary.json");
  EXPECT_NE(json.find("\"target_reached_epoch\": null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"seconds_to_target\": null"), std::string::npos) << json;
  fs::remove_all(out);
}

}  // namespace
}  // namespace scratchnet
