// Checkpoints: an interrupted run resumed from its checkpoint ends with the
// same weights and metrics, bit for bit, as the run that never stopped.

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"
#include "scratchnet/io/checkpoint.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/app/run.h"
#include "support/temp_dir.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) { return testing::temp_dir("ckpt_" + name); }

// Every setting whose state crosses epochs: dropout, a plateau schedule, a
// validation split with early stopping, Adam's moments.
TrainConfig stateful_config(const std::string& out) {
  TrainConfig c;
  c.data = "digits";
  c.layers = {32, 32};
  c.dropout = 0.2;
  c.batch_norm = true;
  c.validation_fraction = 0.2;
  c.early_stopping = 50;
  c.lr_schedule = "plateau:1:0.5";
  c.epochs = 6;
  c.checkpoint_every = 1;
  c.out = out;
  return c;
}

// Asks for an interrupt when epoch `at` ends, as Ctrl-C would.
class InterruptAt : public RunObserver {
 public:
  explicit InterruptAt(std::size_t at) : at_(at) {}
  void on_epoch_end(Trainer&, const EpochStats& s, EpochControl&) override {
    if (s.epoch == at_) request_interrupt();
  }

 private:
  std::size_t at_;
};

std::vector<float> weights(const std::string& dir) {
  Model m = load_model((fs::path(dir) / "model.snm").string());
  std::vector<float> all;
  for (const auto& p : m.network->params()) all.insert(all.end(), p.value->data(), p.value->data() + p.value->size());
  for (const auto& b : m.network->buffers()) all.insert(all.end(), b.value->data(), b.value->data() + b.value->size());
  return all;
}

// metrics.csv without the timing column.
std::vector<std::string> metrics_without_seconds(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "metrics.csv");
  std::vector<std::string> rows;
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> cells;
    std::size_t start = 0;
    for (std::size_t i = 0;; ++i) {
      const auto comma = line.find(',', start);
      if (i != 7) cells.push_back(line.substr(start, comma - start));  // column 8 is seconds
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    std::string joined;
    for (const auto& c : cells) joined += c + ",";
    rows.push_back(joined);
  }
  return rows;
}

// The validation losses of a finished run's metrics.csv, epoch 1 first.
std::vector<double> val_losses(const std::string& dir) {
  std::ifstream in(fs::path(dir) / "metrics.csv");
  std::string line;
  std::getline(in, line);  // header: val_loss is column 9
  std::vector<double> losses;
  while (std::getline(in, line)) {
    std::size_t start = 0;
    for (int column = 0; column < 8; ++column) start = line.find(',', start) + 1;
    losses.push_back(std::stod(line.substr(start)));
  }
  return losses;
}

TEST(Checkpoint, InterruptedAndResumedRunEqualsTheUninterruptedOne) {
  // Patience 2 and lr 0.01, so that early stopping counts epochs without
  // improvement across the resume and stops after it, restoring best weights
  // kept before it.
  auto config = [](const std::string& out) {
    TrainConfig c = stateful_config(out);
    c.early_stopping = 2;
    c.lr = 0.01;
    c.epochs = 12;
    return c;
  };
  const std::string straight = temp_dir("straight"), resumed = temp_dir("resumed");
  const RunSummary a = run_training(config(straight), nullptr);
  EXPECT_FALSE(fs::exists(fs::path(straight) / "checkpoint.snc")) << "a finished run removes it";
  ASSERT_TRUE(a.stopped_early) << "the run must stop early for this test to mean something";
  // Interrupt after the first epoch that did not improve on the best so far.
  const std::vector<double> losses = val_losses(straight);
  ASSERT_EQ(losses.size(), a.epochs);
  std::size_t at = 0;
  double best = losses[0];
  for (std::size_t e = 1; e < losses.size() && at == 0; ++e) {
    if (losses[e] >= best) at = e + 1;
    best = std::min(best, losses[e]);
  }
  ASSERT_GT(at, 0u);
  ASSERT_LT(at, a.epochs) << "the stop must come after the resume";

  InterruptAt interrupt(at);
  try {
    run_training(config(resumed), &interrupt);
    FAIL() << "expected an interrupt";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInterrupted);
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  clear_interrupt();
  ASSERT_TRUE(fs::exists(fs::path(resumed) / "checkpoint.snc"));
  const Checkpoint saved = load_checkpoint((fs::path(resumed) / "checkpoint.snc").string());
  EXPECT_EQ(saved.state.epochs_done, at);
  EXPECT_EQ(saved.state.stopper.waited, 1u) << "early stopping's count crosses the resume";
  EXPECT_FALSE(saved.state.best_weights.empty());
  EXPECT_FALSE(fs::exists(fs::path(resumed) / "model.snm"));

  const RunSummary b = resume_training(resumed, nullptr);
  EXPECT_TRUE(b.stopped_early);
  EXPECT_EQ(a.epochs, b.epochs);
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_EQ(a.test_loss, b.test_loss);
  EXPECT_EQ(a.val_loss, b.val_loss);
  EXPECT_EQ(a.best_epoch, b.best_epoch);
  EXPECT_EQ(weights(straight), weights(resumed));
  EXPECT_EQ(metrics_without_seconds(straight), metrics_without_seconds(resumed));
  fs::remove_all(straight);
  fs::remove_all(resumed);
}

// resume_training on a folder whose checkpoint.snc holds `bytes` must fail
// with a data error and exactly `message` (the README's "Bad inputs tried").
void expect_resume_error(const std::string& dir, const std::string& bytes, const std::string& message) {
  {
    std::ofstream out(fs::path(dir) / "checkpoint.snc", std::ios::binary | std::ios::trunc);
    out << bytes;
  }
  try {
    resume_training(dir, nullptr);
    ADD_FAILURE() << "resumed from a damaged checkpoint; expected: " << message;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData) << e.what();
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(Checkpoint, DamagedCheckpointsGiveTheReadmesErrors) {
  const std::string dir = temp_dir("damaged");
  TrainConfig c = stateful_config(dir);
  InterruptAt interrupt(2);
  EXPECT_THROW(run_training(c, &interrupt), Error);
  clear_interrupt();
  const std::string path = (fs::path(dir) / "checkpoint.snc").string();
  std::ifstream in(path, std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), {});
  in.close();
  // The frame: 8 bytes of magic, 4 of version, 8 of payload size, the payload, 4 of CRC.
  const std::size_t payload = good.size() - 24;
  const std::string bad_magic = path + ": not a scratchnet checkpoint (bad magic number)";
  expect_resume_error(dir, "", bad_magic);
  expect_resume_error(dir, good.substr(0, 10), bad_magic);
  expect_resume_error(dir, "SCRNTCKX" + good.substr(8), bad_magic);
  for (std::size_t n : {good.size() / 2, good.size() - 1})
    expect_resume_error(dir, good.substr(0, n),
                        fmt::format("{}: file is truncated or corrupt ({} payload bytes declared, {} present)",
                                    path, payload, n - 24));
  std::string flipped = good;
  flipped[good.size() / 2] ^= 1;
  expect_resume_error(dir, flipped, path + ": checksum mismatch: the file is corrupt");

  const std::string nothing = temp_dir("nothing_here");
  fs::create_directories(nothing);
  try {
    resume_training(nothing, nullptr);
    ADD_FAILURE() << "resumed without a checkpoint";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kData);
    EXPECT_EQ(std::string(e.what()),
              (fs::path(nothing) / "checkpoint.snc").string() +
                  ": no checkpoint to resume from (train with --checkpoint-every N, or interrupt a run)");
  }
  // The undamaged bytes decode (the damage, not the file, was the problem).
  EXPECT_EQ(decode_checkpoint(good, path).state.epochs_done, 2u);
  fs::remove_all(dir);
  fs::remove_all(nothing);
}

}  // namespace
}  // namespace scratchnet
