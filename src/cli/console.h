#pragma once
// Console output of a training run: a progress bar on a terminal (stderr),
// one line per logged epoch and the final result (stdout).

#include <chrono>
#include <cstddef>

#include "scratchnet/app/run.h"

namespace scratchnet::cli {

class ConsoleReporter final : public RunObserver {
 public:
  // `log_every`: print every N-th epoch (plus the first and last); 0 = about 25 lines.
  ConsoleReporter(std::size_t log_every, bool quiet);
  void on_start(const TrainConfig& config, const PreparedData& data, const Network<float>& network,
                const Optimizer& optimizer) override;
  void on_step(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;
  void on_fold(std::size_t fold, std::size_t folds, const RunSummary& summary) override;
  void on_finish(const RunSummary& summary) override;

 private:
  void clear_bar();
  std::size_t log_every_;
  std::size_t epochs_ = 0;
  bool quiet_;
  bool tty_;
  bool bar_shown_ = false;
  bool regression_ = false;
  bool running_ = false;  // train.train_metrics running
  std::chrono::steady_clock::time_point last_draw_{};
};

}  // namespace scratchnet::cli
