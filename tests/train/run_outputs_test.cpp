// What run_training reports, recomputed from the saved model: l2_penalty is
// (lambda / 2) times the sum of the squared weights (biases and batch-norm
// parameters excluded), the reported losses are the data term alone, and
// --checkpoint-every N writes a checkpoint after every N-th epoch only, and
// metrics.csv's train_eval_loss is the eval-mode loss of the epoch's model
// (the summary's train_loss at the last epoch), not the running mean.
// Settings go through TrainConfig::set with their string keys.

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "scratchnet/app/metrics_file.h"
#include "scratchnet/io/checkpoint.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/app/run.h"
#include "support/temp_dir.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) { return testing::temp_dir("outputs_" + name); }

TrainConfig small_digits_run(const std::string& out) {
  TrainConfig c;
  c.set("data.source", "digits");
  c.set("model.layers", "16");
  c.set("model.batch_norm", "true");
  c.set("train.epochs", "3");
  c.set("output.dir", out);
  return c;
}

// Mean cross-entropy of the model over `data` (scaled), in double, from the
// raw outputs: the data term the summary reports.
double cross_entropy(Network<float>& net, const Dataset& data) {
  Tensor x, y;
  std::vector<std::int32_t> labels;
  std::vector<std::size_t> all(data.size());
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
  data.gather(all, x, labels, y);
  const Tensor& out = net.forward(x, Mode::kEval);
  double sum = 0;
  for (std::size_t r = 0; r < out.rows(); ++r) {
    double top = out.at(r, 0), total = 0;
    for (std::size_t k = 0; k < out.cols(); ++k)
      top = std::max(top, static_cast<double>(out.at(r, k)));
    for (std::size_t k = 0; k < out.cols(); ++k) total += std::exp(out.at(r, k) - top);
    sum += top + std::log(total) - out.at(r, static_cast<std::size_t>(labels[r]));
  }
  return sum / static_cast<double>(out.rows());
}

TEST(RunOutputs, L2PenaltyIsHalfLambdaTimesSquaredWeightsAndLossesLeaveItOut) {
  const std::string out = temp_dir("l2");
  TrainConfig c = small_digits_run(out);
  c.set("train.weight_decay", "0.01");
  const RunSummary s = run_training(c, nullptr);

  Model model = load_model((fs::path(out) / "model.snm").string());
  double squares = 0;
  std::size_t decayed = 0;
  for (const auto& p : model.network->params()) {
    if (p.name != "W") continue;  // dense weights; biases, gamma and beta are not decayed
    ++decayed;
    for (float w : p.value->span()) squares += static_cast<double>(w) * w;
  }
  EXPECT_EQ(decayed, 2u);
  EXPECT_NEAR(s.l2_penalty, 0.5 * 0.01 * squares, 1e-9 * squares);
  // metrics.csv has the column, and its last row is the final model's penalty.
  const MetricsTable metrics = read_metrics((fs::path(out) / "metrics.csv").string());
  ASSERT_NE(metrics.column("l2_penalty"), nullptr);
  EXPECT_NEAR(metrics.column("l2_penalty")->back(), s.l2_penalty, 1e-5 * s.l2_penalty);

  // train_loss and test_loss are the data term of the saved model alone.
  PreparedData data = prepare_data(c);
  EXPECT_NEAR(s.train_loss, cross_entropy(*model.network, data.train), 1e-5 * s.train_loss);
  EXPECT_NEAR(s.test_loss, cross_entropy(*model.network, data.test), 1e-5 * s.test_loss);
  fs::remove_all(out);

  // Without weight decay: no penalty, no column.
  const RunSummary plain = run_training(small_digits_run(out), nullptr);
  EXPECT_EQ(plain.l2_penalty, 0);
  EXPECT_EQ(read_metrics((fs::path(out) / "metrics.csv").string()).column("l2_penalty"), nullptr);
  fs::remove_all(out);
}

// At the end of each epoch (before that epoch's own checkpoint is due),
// notes how many epochs the checkpoint on disk holds (0: none).
class CheckpointWatcher : public RunObserver {
 public:
  explicit CheckpointWatcher(std::string dir)
      : file_((fs::path(dir) / "checkpoint.snc").string()) {}
  void on_epoch_end(Trainer&, const EpochStats&, EpochControl&) override {
    seen.push_back(fs::exists(file_) ? load_checkpoint(file_).state.epochs_done : 0);
  }
  std::vector<std::size_t> seen;

 private:
  std::string file_;
};

TEST(RunOutputs, CheckpointEveryThreeEpochsWritesAfterEpochsThreeAndSix) {
  const std::string out = temp_dir("every3");
  TrainConfig c = small_digits_run(out);
  c.set("train.epochs", "7");
  c.set("output.checkpoint_every", "3");
  CheckpointWatcher watcher(out);
  run_training(c, &watcher);
  // Seen at the end of epochs 1..7: the checkpoint of epoch 3 from epoch 4 on, of 6 at 7.
  EXPECT_EQ(watcher.seen, (std::vector<std::size_t>{0, 0, 0, 3, 3, 3, 6}));
  EXPECT_FALSE(fs::exists(fs::path(out) / "checkpoint.snc")) << "the finished run removes it";
  fs::remove_all(out);
}

// metrics.csv: train_eval_loss is the eval-mode pass's loss (the summary's
// train_loss at the last epoch), apart from the running mean under dropout.
TEST(RunOutputs, MetricsHoldTheEvalModeTrainingLoss) {
  const std::string out = temp_dir("eval_loss");
  TrainConfig c = small_digits_run(out);
  c.set("model.dropout", "0.5");
  c.set("train.train_metrics", "full");  // the eval-mode pass (the default keeps running means)
  const RunSummary s = run_training(c, nullptr);
  const MetricsTable metrics = read_metrics(out + "/metrics.csv");
  ASSERT_NE(metrics.column("train_eval_loss"), nullptr);
  const double running = metrics.column("train_loss")->back(), eval = metrics.column("train_eval_loss")->back();
  EXPECT_NEAR(eval, s.train_loss, 1e-5 * s.train_loss);
  EXPECT_GT(std::fabs(running - eval), 1e-3);  // dropout 0.5 and changing weights
  fs::remove_all(out);
}

}  // namespace
}  // namespace scratchnet
