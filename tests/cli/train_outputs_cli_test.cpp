// What the README says a training run writes and how settings combine,
// checked through the tool: the lr column of metrics.csv under each
// schedule, test_mse / test_rmse, best_epoch and stopped_early (with
// --monitor and --min-delta), eval --split, where settings come from (file,
// then flags, then --set), re-running a run's config.toml, and
// --arem-classes 7. Expected values are recomputed here from the files the
// run wrote, by the rules the README and the headers state.

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cli_support.h"

namespace scratchnet::cli_testing {
namespace {

using TrainOutputs = CliTest;

constexpr double kPi = 3.14159265358979323846;

// `section.key = value` of a config.toml, quotes removed ("" when absent).
std::string toml_value(const std::string& path, const std::string& section,
                       const std::string& key) {
  std::ifstream in(path);
  std::string current;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("[", 0) == 0) current = line.substr(1, line.find(']') - 1);
    if (current == section && line.rfind(key + " = ", 0) == 0) {
      std::string value = line.substr(key.size() + 3);
      if (value.size() >= 2 && value.front() == '"') value = value.substr(1, value.size() - 2);
      return value;
    }
  }
  return "";
}

// The rate the README's schedules give epoch e (1-based) of `total`, from base rate `lr`.
double closed_form_rate(const std::string& schedule, double lr, std::size_t e, std::size_t total) {
  if (schedule == "constant") return lr;
  if (schedule == "step:2:0.5") return lr * std::pow(0.5, static_cast<double>((e - 1) / 2));
  if (schedule == "exp:0.8") return lr * std::pow(0.8, static_cast<double>(e - 1));
  if (schedule == "cosine")
    return lr * (1 + std::cos(kPi * static_cast<double>(e - 1) / static_cast<double>(total))) / 2;
  ADD_FAILURE() << "no rule for " << schedule;
  return 0;
}

TEST_F(TrainOutputs, LearningRateSchedulesSetTheRateOfEachEpoch) {
  const std::string base =
      "train --data digits --layers 16 --optimizer sgd --lr 0.1 --epochs 5 -q --out ";
  for (const std::string schedule : {"constant", "step:2:0.5", "exp:0.8", "cosine"}) {
    const std::string out = path(schedule.substr(0, schedule.find(':')));
    ASSERT_EQ(run(base + out + " --lr-schedule " + schedule).code, 0) << schedule;
    const auto lr = Csv(out + "/metrics.csv").column("lr");
    ASSERT_EQ(lr.size(), 5u) << schedule;
    for (std::size_t e = 1; e <= 5; ++e) {
      const double want = closed_form_rate(schedule, 0.1, e, 5);
      EXPECT_NEAR(lr[e - 1], want, 1e-5 * want) << schedule << " epoch " << e;
    }
  }
  // The rate is the one the optimizer used: the step schedule trains like
  // the constant one for its first two epochs, and differently after.
  const Csv constant(path("constant") + "/metrics.csv"), step(path("step") + "/metrics.csv");
  const auto a = constant.column("train_loss"), b = step.column("train_loss");
  EXPECT_EQ(a[0], b[0]);
  EXPECT_EQ(a[1], b[1]);
  EXPECT_NE(a[2], b[2]);
  EXPECT_NE(a[4], b[4]);

  // plateau:1:0.5 halves the rate after every epoch whose validation loss
  // does not beat the best so far (ReduceLROnPlateau, patience 1).
  const std::string out = path("plateau");
  ASSERT_EQ(run("train --data digits --layers 16 --lr 0.05 --epochs 8 --validation-fraction 0.2 "
                "--lr-schedule plateau:1:0.5 -q --out " +
                out)
                .code,
            0);
  const Csv metrics(out + "/metrics.csv");
  const auto rates = metrics.column("lr"), losses = metrics.column("val_loss");
  double rate = 0.05, best = std::numeric_limits<double>::infinity();
  int cuts = 0;
  for (std::size_t e = 0; e < rates.size(); ++e) {
    EXPECT_NEAR(rates[e], rate, 1e-5 * rate) << "plateau epoch " << e + 1;
    if (losses[e] < best) {
      best = losses[e];
    } else {
      rate *= 0.5;
      ++cuts;
    }
  }
  EXPECT_GE(cuts, 1) << "the run must plateau at least once for this test to mean something";
}

TEST_F(TrainOutputs, RegressionSummaryHasTestMseAndRmseThatEvalAgreesWith) {
  ASSERT_EQ(
      run("train --data sine --layers 16,16 --activation tanh --epochs 30 -q --out " + path("run"))
          .code,
      0);
  const std::string summary = slurp(path("run/summary.json"));
  const double mse = json_value(summary, "test_mse"), rmse = json_value(summary, "test_rmse");
  EXPECT_NE(summary.find("\"task\": \"regression\""), std::string::npos) << summary;
  EXPECT_TRUE(std::isnan(json_value(summary, "test_accuracy"))) << "regression has no accuracy";
  EXPECT_NEAR(mse, json_value(summary, "test_loss"), 1e-6 * mse);
  EXPECT_NEAR(rmse, std::sqrt(mse), 1e-5 * rmse);
  EXPECT_LT(mse, 0.1) << "sin(x) + noise of variance 0.01 after 30 epochs";
  // eval recomputes the test split's squared error from the saved model.
  const Result e = run("eval --model " + path("run/model.snm") + " --json");
  ASSERT_EQ(e.code, 0) << e.output;
  EXPECT_NEAR(json_value(e.output, "mse"), mse, 1e-5 * mse) << e.output;
  EXPECT_NEAR(json_value(e.output, "rmse"), rmse, 1e-5 * rmse) << e.output;
  EXPECT_EQ(json_value(e.output, "samples"), json_value(summary, "test_samples"));
}

// The early-stopping rule of the README, replayed over a metrics column:
// `value` improves when it beats the best by more than min_delta; training
// stops after `patience` epochs in a row without improvement.
struct Replay {
  std::size_t best_epoch = 0, stop_epoch = 0;  // stop_epoch 0: never stopped
};
Replay replay(const std::vector<double>& values, bool maximize, double min_delta,
              std::size_t patience) {
  Replay r;
  double best = 0;
  std::size_t waited = 0;
  for (std::size_t e = 0; e < values.size(); ++e) {
    const bool improved = r.best_epoch == 0 ||
                          (maximize ? values[e] > best + min_delta : values[e] < best - min_delta);
    if (improved) {
      best = values[e];
      r.best_epoch = e + 1;
      waited = 0;
    } else if (++waited >= patience) {
      r.stop_epoch = e + 1;
      break;
    }
  }
  return r;
}

TEST_F(TrainOutputs, EarlyStoppingReportsItsBestEpochAndRestoresItsWeights) {
  const std::string out = path("run");
  ASSERT_EQ(run("train --data digits --layers 16 --lr 0.01 --epochs 40 --validation-fraction 0.2 "
                "--early-stopping 2 -q --out " +
                out)
                .code,
            0);
  const Csv metrics(out + "/metrics.csv");
  const auto losses = metrics.column("val_loss");
  const Replay want = replay(losses, false, 0, 2);
  ASSERT_GT(want.stop_epoch, 0u) << "the run must stop early for this test to mean something";
  EXPECT_EQ(losses.size(), want.stop_epoch) << "metrics.csv ends at the stop";
  EXPECT_EQ(summary_value(out, "epochs"), want.stop_epoch);
  EXPECT_EQ(summary_value(out, "best_epoch"), want.best_epoch);
  EXPECT_EQ(summary_value(out, "stopped_early"), 1);
  // The saved model is the best epoch's: its validation loss is that epoch's.
  const double best_loss = losses[want.best_epoch - 1];
  EXPECT_NEAR(summary_value(out, "val_loss"), best_loss, 2e-6 * best_loss);

  // Without a validation split the best epoch is the last, and nothing stops early.
  ASSERT_EQ(run("train --data digits --layers 16 --epochs 3 -q --out " + path("plain")).code, 0);
  EXPECT_EQ(summary_value(path("plain"), "best_epoch"), 3);
  EXPECT_EQ(summary_value(path("plain"), "stopped_early"), 0);
}

TEST_F(TrainOutputs, MonitorValAccuracyWithMinDelta) {
  // Accuracy is maximised; with --min-delta 0.01 smaller gains do not count,
  // which here stops earlier and keeps an earlier epoch than without it.
  const std::string base =
      "train --data digits --layers 16 --lr 0.01 --epochs 40 --validation-fraction 0.2 "
      "--early-stopping 3 --monitor val_accuracy -q --out ";
  Replay replays[2];
  int i = 0;
  for (const std::string delta : {"0", "0.01"}) {
    const std::string out = path("delta" + delta);
    ASSERT_EQ(run(base + out + " --min-delta " + delta).code, 0);
    const auto accuracy = Csv(out + "/metrics.csv").column("val_accuracy");
    const Replay want = replay(accuracy, true, std::stod(delta), 3);
    ASSERT_GT(want.stop_epoch, 0u) << "min-delta " << delta << ": no early stop";
    EXPECT_EQ(summary_value(out, "epochs"), want.stop_epoch) << delta;
    EXPECT_EQ(summary_value(out, "best_epoch"), want.best_epoch) << delta;
    EXPECT_NEAR(summary_value(out, "val_accuracy"), accuracy[want.best_epoch - 1], 1e-6) << delta;
    EXPECT_NE(slurp(out + "/summary.json").find("val_accuracy has not improved"),
              std::string::npos);
    replays[i++] = want;
  }
  EXPECT_NE(replays[0].best_epoch, replays[1].best_epoch) << "min-delta made no difference here";
}

TEST_F(TrainOutputs, EvalSplitsMatchTheRunsSummary) {
  const std::string out = path("run");
  ASSERT_EQ(run("train --data digits --layers 16 --epochs 3 -q --out " + out).code, 0);
  const std::string model = " --model " + out + "/model.snm --json";
  const double train_n = summary_value(out, "train_samples"),
               test_n = summary_value(out, "test_samples");
  const double train_acc = summary_value(out, "train_accuracy"),
               test_acc = summary_value(out, "test_accuracy");
  for (const std::string split : {"auto", "test"}) {
    const Result r = run("eval --split " + split + model);
    ASSERT_EQ(r.code, 0) << r.output;
    EXPECT_EQ(json_value(r.output, "samples"), test_n) << split;
    EXPECT_NEAR(json_value(r.output, "accuracy"), test_acc, 1e-6) << split;
  }
  const Result train = run("eval --split train" + model);
  ASSERT_EQ(train.code, 0) << train.output;
  EXPECT_EQ(json_value(train.output, "samples"), train_n);
  EXPECT_NEAR(json_value(train.output, "accuracy"), train_acc, 1e-6);
  const Result all = run("eval --split all" + model);
  ASSERT_EQ(all.code, 0) << all.output;
  EXPECT_EQ(json_value(all.output, "samples"), 1797) << "digits holds 1,797 images";
  EXPECT_EQ(train_n + test_n, 1797);
  EXPECT_NEAR(json_value(all.output, "accuracy") * 1797, train_acc * train_n + test_acc * test_n,
              1e-3);
  EXPECT_EQ(run("eval --split validation" + model).code, 2);
}

TEST_F(TrainOutputs, SettingsComeFromTheFileThenTheFlagsThenSet) {
  const std::string file =
      write("settings.toml",
            "[data]\nsource = \"digits\"\n[model]\nlayers = [8]\n"
            "[train]\noptimizer = \"sgd\"\nepochs = 4\nlr = 0.05\nbatch_size = 16\n");
  const std::string out = path("run");
  ASSERT_EQ(
      run("train " + file + " --epochs 3 --lr 0.02 --set train.epochs=2 -q --out " + out).code, 0);
  const std::string config = out + "/config.toml";
  EXPECT_EQ(toml_value(config, "train", "epochs"), "2") << "--set beats the flag and the file";
  EXPECT_EQ(toml_value(config, "train", "lr"), "0.02") << "the flag beats the file";
  EXPECT_EQ(toml_value(config, "train", "batch_size"), "16") << "the file beats the default";
  EXPECT_EQ(toml_value(config, "train", "optimizer"), "sgd");
  EXPECT_EQ(toml_value(config, "data", "source"), "digits");
  // ... and the run used them: 2 epochs at rate 0.02 of a 64-8-10 network.
  const auto lr = Csv(out + "/metrics.csv").column("lr");
  ASSERT_EQ(lr.size(), 2u);
  EXPECT_EQ(lr[0], 0.02);
  EXPECT_EQ(summary_value(out, "parameters"), 64 * 8 + 8 + 8 * 10 + 10);
}

TEST_F(TrainOutputs, ARunsConfigTomlRepeatsTheRun) {
  const std::string first = path("first"), again = path("again"), other = path("other");
  const std::string settings = " --data digits --layers 12 --dropout 0.1 --epochs 3 --lr 0.005 -q";
  ASSERT_EQ(run("train" + settings + " --seed 7 --out " + first).code, 0);
  EXPECT_EQ(toml_value(first + "/config.toml", "train", "seed"), "7");
  ASSERT_EQ(run("train " + first + "/config.toml --out " + again).code, 0);
  EXPECT_EQ(summary_metrics(again + "/summary.json"), summary_metrics(first + "/summary.json"));
  EXPECT_EQ(metrics_without_seconds(again), metrics_without_seconds(first));
  // Only the output folder differs between the two config.toml files.
  const std::string a = slurp(first + "/config.toml"), b = slurp(again + "/config.toml");
  EXPECT_EQ(a.substr(0, a.find("[output]")), b.substr(0, b.find("[output]")));
  // The seed is what made them equal: another seed trains another model.
  ASSERT_EQ(run("train" + settings + " --seed 8 --out " + other).code, 0);
  EXPECT_NE(metrics_without_seconds(other), metrics_without_seconds(first));
}

TEST_F(TrainOutputs, AremSevenClassesKeepsBending1And2Apart) {
  for (const std::string classes : {"6", "7"}) {
    const std::string out = path("arem" + classes);
    ASSERT_EQ(run("train --data arem --arem-classes " + classes +
                  " --layers 8 --epochs 1 -q --out " + out)
                  .code,
              0);
    const Result e = run("eval --model " + out + "/model.snm --json");
    ASSERT_EQ(e.code, 0) << e.output;
    std::vector<std::string> names;
    for (auto at = e.output.find("{\"name\": \""); at != std::string::npos;
         at = e.output.find("{\"name\": \"", at + 1)) {
      const auto start = at + 10;
      names.push_back(e.output.substr(start, e.output.find('"', start) - start));
    }
    if (classes == "7") {
      EXPECT_EQ(names, (std::vector<std::string>{"bending1", "bending2", "cycling", "lying",
                                                 "sitting", "standing", "walking"}));
    } else {
      EXPECT_EQ(names, (std::vector<std::string>{"bending", "cycling", "lying", "sitting",
                                                 "standing", "walking"}));
    }
  }
}

}  // namespace
}  // namespace scratchnet::cli_testing
