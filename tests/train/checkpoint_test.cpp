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

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

std::string temp_dir(const std::string& name) {
  const auto dir = fs::temp_directory_path() / ("scratchnet_ckpt_" + name + "_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  return dir.string();
}

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

TEST(Checkpoint, InterruptedAndResumedRunEqualsTheUninterruptedOne) {
  const std::string straight = temp_dir("straight"), resumed = temp_dir("resumed");
  const RunSummary a = run_training(stateful_config(straight), nullptr);
  EXPECT_FALSE(fs::exists(fs::path(straight) / "checkpoint.snc")) << "a finished run removes it";

  InterruptAt interrupt(3);
  try {
    run_training(stateful_config(resumed), &interrupt);
    FAIL() << "expected an interrupt";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInterrupted);
    EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
  }
  clear_interrupt();
  ASSERT_TRUE(fs::exists(fs::path(resumed) / "checkpoint.snc"));
  EXPECT_EQ(load_checkpoint((fs::path(resumed) / "checkpoint.snc").string()).state.epochs_done, 3u);
  EXPECT_FALSE(fs::exists(fs::path(resumed) / "model.snm"));

  const RunSummary b = resume_training(resumed, nullptr);
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

TEST(Checkpoint, DamagedCheckpointsGiveClearErrors) {
  const std::string dir = temp_dir("damaged");
  TrainConfig c = stateful_config(dir);
  InterruptAt interrupt(2);
  EXPECT_THROW(run_training(c, &interrupt), Error);
  clear_interrupt();
  const std::string path = (fs::path(dir) / "checkpoint.snc").string();
  std::ifstream in(path, std::ios::binary);
  const std::string good((std::istreambuf_iterator<char>(in)), {});
  for (std::size_t n : {std::size_t{0}, std::size_t{10}, good.size() / 2, good.size() - 1}) {
    try {
      decode_checkpoint(good.substr(0, n), path);
      ADD_FAILURE() << "decoded a checkpoint truncated to " << n << " bytes";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kData);
    }
  }
  std::string flipped = good;
  flipped[good.size() / 2] ^= 1;
  try {
    decode_checkpoint(flipped, path);
    ADD_FAILURE() << "decoded a corrupt checkpoint";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("checksum"), std::string::npos) << e.what();
  }
  EXPECT_THROW(resume_training(temp_dir("nothing_here"), nullptr), Error);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace scratchnet
