#pragma once
// metrics.csv: one row per epoch,
//   epoch,iteration,train_loss,train_accuracy,test_loss,test_accuracy,lr,seconds
//   (+ val_loss,val_accuracy with a validation split, + l2_penalty with weight decay),
//   train_eval_loss
// (the newest column last, so that readers by position keep working).
// train_loss is the running mean of the epoch's mini-batch losses (train
// mode: dropout active, weights changing). The header says where the
// training accuracy came from (train.train_metrics):
//   full     train_accuracy and train_eval_loss come from a full eval-mode
//            pass over the training set at the epoch's end, like the test
//            columns, and are what learning curves compare with the test curves
//   running  the fourth column is running_train_accuracy, the running mean
//            over the epoch's mini-batches (as train_loss), and there is no
//            train_eval_loss column (no pass was made)
// Test columns are empty in epochs train.evaluate_test N skipped.
// written as epochs finish (MetricsWriter, a training callback), and read
// back by column name (read_metrics: plots, experiment tables).

#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

class SCRATCHNET_API MetricsWriter final : public TrainCallback {
 public:
  // `previous`: the rows of a resumed run (header included), or empty.
  // `running`: train.train_metrics running (the header's fourth column).
  MetricsWriter(const std::string& path, bool validation, bool penalty, const std::string& previous,
                bool running = false);
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;
  // Everything written so far (for checkpoints).
  const std::string& text() const { return text_; }

 private:
  std::ofstream out_;
  bool validation_, penalty_;
  bool eval_loss_ = true;  // false when resuming a file written before train_eval_loss
  std::string text_;
};

// A metrics.csv as columns by header name; empty cells are NaN.
struct SCRATCHNET_API MetricsTable {
  std::vector<std::pair<std::string, std::vector<double>>> columns;
  // The column `name`, or null.
  const std::vector<double>* column(const std::string& name) const;
};
// Throws a data error naming the file when it cannot be read.
SCRATCHNET_API MetricsTable read_metrics(const std::string& path);

}  // namespace scratchnet
