#include "scratchnet/train/stop_at.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

constexpr const char* kForms = "val_accuracy>=X (X in (0, 1]) or val_loss<=X";

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

std::optional<StopTarget> StopTarget::parse(const std::string& text, const std::string& key) {
  if (trimmed(text).empty()) return std::nullopt;
  const auto op = text.find_first_of("<>=");
  if (op == std::string::npos || op + 1 >= text.size() || text[op + 1] != '=' || text[op] == '=')
    throw_usage("{}: '{}' is not a target; write {}", key, text, kForms);
  const std::string name = trimmed(text.substr(0, op));
  const std::string number = trimmed(text.substr(op + 2));
  if (name.rfind("test_", 0) == 0)
    throw_usage("{}: '{}' watches the test set; stop_at takes validation metrics only, because stopping on the "
                "test set would select the model on it and its test accuracy would no longer estimate unseen "
                "data. Write {} (with data.validation_fraction)",
                key, text, kForms);
  StopTarget target;
  if (name == "val_accuracy") {
    target.metric = Monitor::kValAccuracy;
  } else if (name == "val_loss") {
    target.metric = Monitor::kValLoss;
  } else {
    throw_usage("{}: '{}' is not a validation metric; write {}", key, name, kForms);
  }
  const bool at_least = text[op] == '>';
  if (at_least != (target.metric == Monitor::kValAccuracy))
    throw_usage("{}: '{}': {} must {} the target; write {}", key, text, name,
                at_least ? "fall to (<=)" : "rise to (>=)", kForms);
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), target.value);
  if (number.empty() || ec != std::errc() || ptr != number.data() + number.size() || !std::isfinite(target.value))
    throw_usage("{}: '{}' in '{}' is not a number", key, number, text);
  if (target.metric == Monitor::kValAccuracy && !(target.value > 0 && target.value <= 1))
    throw_usage("{}: an accuracy target must be in (0, 1], got {}", key, number);
  if (target.metric == Monitor::kValLoss && !(target.value >= 0))
    throw_usage("{}: a loss target must be zero or more, got {}", key, number);
  return target;
}

bool StopTarget::reached(const EpochStats& stats) const {
  return metric == Monitor::kValAccuracy ? stats.val_accuracy >= value : stats.val_loss <= value;
}

std::string StopTarget::str() const {
  return metric == Monitor::kValAccuracy ? fmt::format("val_accuracy>={}", value)
                                         : fmt::format("val_loss<={}", value);
}

void StopAtCallback::on_fit_begin(Trainer& /*trainer*/, const FitData& data, const TrainingState* resume) {
  start_ = Clock::now();
  resumed_seconds_ = 0;
  if (!target_) return;
  if (!data.has_validation())
    throw_usage("train.stop_at '{}' needs a validation split (set data.validation_fraction)", target_->str());
  if (target_->metric == Monitor::kValAccuracy && data.train->task == Task::kRegression)
    throw_usage("train.stop_at '{}': accuracy needs a classification task; use val_loss<=X", target_->str());
  if (resume != nullptr)
    for (const EpochStats& e : resume->history) resumed_seconds_ += e.seconds;
}

void StopAtCallback::on_epoch_end(Trainer& /*trainer*/, const EpochStats& stats, EpochControl& control) {
  if (!target_ || reached_epoch_ || !target_->reached(stats)) return;
  reached_epoch_ = stats.epoch;
  seconds_to_target_ = resumed_seconds_ + std::chrono::duration<double>(Clock::now() - start_).count();
  if (control.stop) return;
  control.stop = true;
  control.reason = fmt::format("reached the target {} at epoch {} ({} {:.4f}), {:.2f} s into training",
                               target_->str(), stats.epoch,
                               target_->metric == Monitor::kValAccuracy ? "val_accuracy" : "val_loss",
                               target_->metric == Monitor::kValAccuracy ? stats.val_accuracy : stats.val_loss,
                               *seconds_to_target_);
}

}  // namespace scratchnet
