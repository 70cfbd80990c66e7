#include "scratchnet/optim/schedule.h"

#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/optim/warmup_schedule.h"

namespace scratchnet {
namespace {

constexpr const char* kForms =
    "constant, step:EPOCHS:FACTOR, exp:GAMMA, cosine, plateau:PATIENCE:FACTOR, warmup_cosine:W";

std::vector<std::string> split_colons(const std::string& text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t colon = text.find(':', start);
    parts.push_back(text.substr(start, colon == std::string::npos ? colon : colon - start));
    if (colon == std::string::npos) return parts;
    start = colon + 1;
  }
}

double number(const std::string& text, const std::string& whole, double min, double max) {
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !(v > min) || v > max)
    throw_usage("lr schedule '{}': '{}' must be a number in ({:g}, {:g}]", whole, text, min, max);
  return v;
}

class Constant final : public LrSchedule {
 public:
  double next_lr(std::size_t, double current, double) override { return current; }
  std::string str() const override { return "constant"; }
};

class Step final : public LrSchedule {
 public:
  Step(double base, std::size_t every, double factor) : base_(base), every_(every), factor_(factor) {}
  double next_lr(std::size_t epoch, double, double) override {
    return base_ * std::pow(factor_, static_cast<double>(epoch / every_));
  }
  std::string str() const override { return fmt::format("step:{}:{:g}", every_, factor_); }

 private:
  double base_;
  std::size_t every_;
  double factor_;
};

class Exponential final : public LrSchedule {
 public:
  Exponential(double base, double gamma) : base_(base), gamma_(gamma) {}
  double next_lr(std::size_t epoch, double, double) override {
    return base_ * std::pow(gamma_, static_cast<double>(epoch));
  }
  std::string str() const override { return fmt::format("exp:{:g}", gamma_); }

 private:
  double base_, gamma_;
};

class Cosine final : public LrSchedule {
 public:
  Cosine(double base, std::size_t total) : base_(base), total_(total) {}
  double next_lr(std::size_t epoch, double, double) override {
    const double t = static_cast<double>(std::min(epoch, total_)) / static_cast<double>(total_);
    return base_ * 0.5 * (1.0 + std::cos(std::numbers::pi * t));
  }
  std::string str() const override { return "cosine"; }

 private:
  double base_;
  std::size_t total_;
};

class Plateau final : public LrSchedule {
 public:
  Plateau(std::size_t patience, double factor) : patience_(patience), factor_(factor) {}
  double next_lr(std::size_t, double current, double monitored) override {
    if (monitored < best_) {
      best_ = monitored;
      waited_ = 0;
      return current;
    }
    if (++waited_ < patience_) return current;
    waited_ = 0;
    return current * factor_;
  }
  std::string str() const override { return fmt::format("plateau:{}:{:g}", patience_, factor_); }
  std::vector<double> state() const override { return {best_, static_cast<double>(waited_)}; }
  void set_state(const std::vector<double>& s) override {
    if (s.size() != 2) throw_data("plateau schedule state has {} values, expected 2", s.size());
    best_ = s[0];
    waited_ = static_cast<std::size_t>(s[1]);
  }

 private:
  std::size_t patience_;
  double factor_;
  double best_ = std::numeric_limits<double>::infinity();
  std::size_t waited_ = 0;
};

}  // namespace

std::unique_ptr<LrSchedule> LrSchedule::parse(const std::string& text, double base_lr,
                                              std::size_t total_epochs) {
  if (auto per_step = parse_step_schedule(text, base_lr, total_epochs)) return per_step;
  const auto parts = split_colons(text);
  const std::string& kind = parts[0];
  auto expect = [&](std::size_t n) {
    if (parts.size() != n) throw_usage("lr schedule '{}': expected one of {}", text, kForms);
  };
  if (kind == "constant" || kind == "none") {
    expect(1);
    return std::make_unique<Constant>();
  }
  if (kind == "step") {
    expect(3);
    return std::make_unique<Step>(base_lr, static_cast<std::size_t>(number(parts[1], text, 0, 1e9)),
                                  number(parts[2], text, 0, 1));
  }
  if (kind == "exp") {
    expect(2);
    return std::make_unique<Exponential>(base_lr, number(parts[1], text, 0, 1));
  }
  if (kind == "cosine") {
    expect(1);
    return std::make_unique<Cosine>(base_lr, std::max<std::size_t>(total_epochs, 1));
  }
  if (kind == "plateau") {
    expect(3);
    return std::make_unique<Plateau>(static_cast<std::size_t>(number(parts[1], text, 0, 1e9)),
                                     number(parts[2], text, 0, 1));
  }
  throw_usage("unknown lr schedule '{}' (forms: {})", text, kForms);
}

}  // namespace scratchnet
