#pragma once
// FitBridge: the training callback between the library's Trainer and Python
// during Model.fit: Ctrl-C (every step, at most every 20 ms, takes the GIL
// and calls PyErr_CheckSignals, so KeyboardInterrupt ends fit after a
// completed step), the caller's callbacks (each epoch's metrics as a dict;
// a true return stops training) and progress lines; it records the epochs
// and every step's loss for the History that make_history builds.

#include <chrono>
#include <string>
#include <vector>

#include "bindings.h"
#include "scratchnet/train/callbacks.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet::python {

class FitBridge final : public TrainCallback {
 public:
  FitBridge(py::list callbacks, bool verbose) : callbacks_(std::move(callbacks)), verbose_(verbose) {}

  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_step(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;

  std::vector<EpochStats> epochs;
  std::vector<double> step_losses;

 private:
  std::string progress_line(const EpochStats& s) const;

  py::list callbacks_;
  bool verbose_;
  std::size_t epochs_total_ = 0;
  std::chrono::steady_clock::time_point last_check_;
};

// The history of a fit (scratchnet.history.History): per-epoch columns (those
// with values; the train accuracy named running_train_accuracy when
// `running`), the loss of every step, and how the fit ended (`result`, or
// null when it was interrupted).
py::object make_history(const std::vector<EpochStats>& epochs, const std::vector<double>& step_losses,
                        const FitResult* result, bool running);

}  // namespace scratchnet::python
