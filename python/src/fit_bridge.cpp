// Model.fit's bridge to Python and its history (fit_bridge.h).

#include "fit_bridge.h"

#include <cmath>

#include <fmt/format.h>

namespace scratchnet::python {
namespace {

using namespace pybind11::literals;

// The name of the training accuracy, as metrics.csv's header gives it
// (train.train_metrics running: the running mean over the epoch's batches).
const char* train_accuracy_name(bool running) { return running ? "running_train_accuracy" : "train_accuracy"; }

// Per-epoch metrics, as metrics.csv names them.
py::dict metrics_dict(const EpochStats& s, bool running) {
  py::dict d;
  d["epoch"] = s.epoch;
  d["iteration"] = s.iteration;
  d["train_loss"] = s.train_loss;
  d[train_accuracy_name(running)] = s.train_accuracy;
  d["val_loss"] = s.val_loss;
  d["val_accuracy"] = s.val_accuracy;
  d["lr"] = s.lr;
  d["l2_penalty"] = s.l2_penalty;
  d["seconds"] = s.seconds;
  return d;
}

}  // namespace

// The history of a fit: per-epoch columns (those with values), the loss of
// every step, and how the fit ended.
py::object make_history(const std::vector<EpochStats>& epochs, const std::vector<double>& step_losses,
                        const FitResult* result, bool running) {
  py::dict columns;
  const auto column = [&](const char* name, auto field, bool keep_nan) {
    py::list values;
    bool any = false;
    for (const EpochStats& s : epochs) {
      const auto v = s.*field;  // counts stay integers
      any = any || keep_nan || std::isfinite(static_cast<double>(v));
      values.append(v);
    }
    if (any || (keep_nan && !epochs.empty())) columns[name] = values;
  };
  column("epoch", &EpochStats::epoch, true);
  column("iteration", &EpochStats::iteration, true);
  column("train_loss", &EpochStats::train_loss, true);
  column(train_accuracy_name(running), &EpochStats::train_accuracy, false);
  column("val_loss", &EpochStats::val_loss, false);
  column("val_accuracy", &EpochStats::val_accuracy, false);
  column("lr", &EpochStats::lr, true);
  bool decay = false;
  for (const EpochStats& s : epochs) decay = decay || s.l2_penalty != 0;
  if (decay) column("l2_penalty", &EpochStats::l2_penalty, true);
  column("seconds", &EpochStats::seconds, true);
  py::object history = py::module_::import("scratchnet.history").attr("History")(columns);
  history.attr("step_losses") = py::array_t<double>(static_cast<py::ssize_t>(step_losses.size()), step_losses.data());
  history.attr("stopped_early") = result ? result->stopped_early : false;
  history.attr("stop_reason") = result ? result->stop_reason : std::string("interrupted");
  history.attr("best_epoch") = result ? result->best_epoch : 0;
  return history;
}

void FitBridge::on_fit_begin(Trainer& trainer, const FitData& /*data*/, const TrainingState* /*resume*/) {
  epochs_total_ = trainer.options().epochs;
  last_check_ = std::chrono::steady_clock::now();
}

void FitBridge::on_step(Trainer& /*trainer*/, const StepInfo& step) {
  step_losses.push_back(step.loss);
  const auto now = std::chrono::steady_clock::now();
  if (now - last_check_ < std::chrono::milliseconds(20)) return;
  last_check_ = now;
  py::gil_scoped_acquire gil;
  if (PyErr_CheckSignals() != 0) throw py::error_already_set();
}

void FitBridge::on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) {
  epochs.push_back(stats);
  if (callbacks_.empty() && !verbose_) return;
  py::gil_scoped_acquire gil;
  if (verbose_) py::print(progress_line(stats), "flush"_a = true);
  if (callbacks_.empty()) return;
  const py::dict metrics = metrics_dict(stats, !trainer.options().evaluate_train);
  for (py::handle callback : callbacks_) {
    const py::object stop = py::hasattr(callback, "on_epoch_end") ? callback.attr("on_epoch_end")(metrics)
                                                                  : callback(metrics);
    if (!stop.is_none() && stop.cast<bool>() && !control.stop) {
      control.stop = true;
      control.reason = "a callback asked to stop";
    }
  }
}

std::string FitBridge::progress_line(const EpochStats& s) const {
  std::string line = fmt::format("epoch {}/{}  loss {:.4f}", s.epoch, epochs_total_, s.train_loss);
  if (std::isfinite(s.train_accuracy)) line += fmt::format("  acc {:.4f}", s.train_accuracy);
  if (std::isfinite(s.val_loss)) line += fmt::format("  val_loss {:.4f}", s.val_loss);
  if (std::isfinite(s.val_accuracy)) line += fmt::format("  val_acc {:.4f}", s.val_accuracy);
  return line + fmt::format("  ({:.2f} s)", s.seconds);
}

}  // namespace scratchnet::python
