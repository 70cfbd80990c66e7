#include "scratchnet/optim/warmup_schedule.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numbers>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {

WarmupCosine::WarmupCosine(double base_lr, double warmup_epochs, std::size_t total_epochs)
    : base_lr_(base_lr), warmup_epochs_(warmup_epochs), total_epochs_(std::max<std::size_t>(total_epochs, 1)) {}

double WarmupCosine::factor(std::int64_t step, std::int64_t warmup_steps, std::int64_t total_steps) {
  // Warm-up: step s of W trains at (s + 1) / W of the rate, so the first step
  // is small but not zero and step W - 1 reaches the base rate.
  if (step < warmup_steps) return static_cast<double>(step + 1) / static_cast<double>(warmup_steps);
  // Cosine from 1 at the end of the warm-up to 0 after the last step.
  const double span = static_cast<double>(std::max<std::int64_t>(total_steps - warmup_steps, 1));
  const double t = std::min(1.0, static_cast<double>(step - warmup_steps) / span);
  return 0.5 * (1.0 + std::cos(std::numbers::pi * t));
}

double WarmupCosine::step_lr(std::int64_t step, std::size_t steps_per_epoch) const {
  const auto per_epoch = static_cast<double>(steps_per_epoch);
  const auto warmup = static_cast<std::int64_t>(std::llround(warmup_epochs_ * per_epoch));
  const auto total = static_cast<std::int64_t>(total_epochs_ * steps_per_epoch);
  return base_lr_ * factor(step, std::min(warmup, total), total);
}

std::string WarmupCosine::str() const { return fmt::format("warmup_cosine:{:g}", warmup_epochs_); }

std::unique_ptr<LrSchedule> parse_step_schedule(const std::string& text, double base_lr, std::size_t total_epochs) {
  const std::string kind = "warmup_cosine";
  if (text.rfind(kind, 0) != 0) return nullptr;
  const std::string rest = text.substr(kind.size());
  if (rest.size() < 2 || rest[0] != ':')
    throw_usage("lr schedule '{}': write warmup_cosine:W (W: warm-up epochs, e.g. 1 or 0.5)", text);
  const std::string number = rest.substr(1);
  double warmup = 0;
  auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), warmup);
  if (ec != std::errc() || ptr != number.data() + number.size() || !(warmup >= 0) || warmup > 1e6)
    throw_usage("lr schedule '{}': the warm-up '{}' must be a number of epochs in [0, 1e6]", text, number);
  return std::make_unique<WarmupCosine>(base_lr, warmup, total_epochs);
}

}  // namespace scratchnet
