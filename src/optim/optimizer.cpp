#include "scratchnet/optim/optimizer.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/optim/adagrad.h"
#include "scratchnet/optim/adam.h"
#include "scratchnet/optim/adamw.h"
#include "scratchnet/optim/momentum.h"
#include "scratchnet/optim/nesterov.h"
#include "scratchnet/optim/rmsprop.h"
#include "scratchnet/optim/sgd.h"

namespace scratchnet {

bool HyperParameter::accepts(double value) const {
  if (!std::isfinite(value)) return false;
  if (value < min || (min_open && value == min)) return false;
  if (value > max || (max_open && value == max)) return false;
  return true;
}

std::string HyperParameter::range() const {
  return fmt::format("{}{:g}, {:g}{}", min_open ? "(" : "[", min, max, max_open ? ")" : "]");
}

const std::vector<const OptimizerType*>& optimizer_types() {
  // The registry: one line per optimizer.
  static const std::vector<const OptimizerType*> types = {
      &Sgd::descriptor(),     &Momentum::descriptor(), &Nesterov::descriptor(),
      &AdaGrad::descriptor(), &RmsProp::descriptor(),  &Adam::descriptor(),
      &AdamW::descriptor(),
  };
  return types;
}

const OptimizerType& optimizer_type(std::string_view name) {
  for (const OptimizerType* type : optimizer_types())
    if (name == type->name) return *type;
  throw_usage("unknown optimizer '{}' (choices: {})", name,
              fmt::join(registered_optimizer_types(), ", "));
}

std::vector<std::string> registered_optimizer_types() {
  std::vector<std::string> names;
  for (const OptimizerType* type : optimizer_types()) names.emplace_back(type->name);
  return names;
}

double default_learning_rate(const std::string& name) { return optimizer_type(name).default_lr; }

const HyperParameter* find_hyper_parameter(std::string_view name) {
  for (const OptimizerType* type : optimizer_types())
    for (const HyperParameter& h : type->hyper)
      if (name == h.name) return &h;
  return nullptr;
}

double hyper_value(const std::map<std::string, double>& hyper, const char* name) {
  const auto it = hyper.find(name);
  SCRATCHNET_CHECK(it != hyper.end(), "hyper-parameter '{}' was not resolved", name);
  return it->second;
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& name, const OptimizerSettings& settings) {
  const OptimizerType& type = optimizer_type(name);
  std::map<std::string, double> values;
  for (const HyperParameter& h : type.hyper) {
    const auto given = settings.hyper.find(h.name);
    const double v = given == settings.hyper.end() ? h.default_value : given->second;
    if (!h.accepts(v))
      throw_usage("train.{}: {:g} is out of range {} for {}", h.name, v, h.range(), type.name);
    values[h.name] = v;
  }
  return type.make(settings.lr.value_or(type.default_lr), settings.weight_decay, values);
}

Optimizer::Optimizer(double lr, double weight_decay, int state_slots)
    : weight_decay_(weight_decay), slots_(state_slots) {
  if (!(lr > 0) || !std::isfinite(lr))
    throw_usage("train.lr: the learning rate must be positive, got {:g}", lr);
  lr_ = lr;
  if (!(weight_decay >= 0) || !std::isfinite(weight_decay))
    throw_usage("train.weight_decay: must be zero or positive, got {:g}", weight_decay);
}

void Optimizer::set_lr(double lr) {
  // Zero is allowed: a cosine schedule ends there.
  if (!(lr >= 0) || !std::isfinite(lr))
    throw_usage("train.lr: the learning rate must be zero or positive, got {:g}", lr);
  lr_ = lr;
}

void Optimizer::set_weight_decay(double weight_decay) {
  if (!(weight_decay >= 0) || !std::isfinite(weight_decay))
    throw_usage("train.weight_decay: must be zero or positive, got {:g}", weight_decay);
  weight_decay_ = weight_decay;
}

void Optimizer::init_state(std::span<const Param<float>> params) {
  if (!state_.empty() || slots_ == 0) return;
  state_.resize(params.size() * static_cast<std::size_t>(slots_));
  for (std::size_t p = 0; p < params.size(); ++p)
    for (int s = 0; s < slots_; ++s) state_[p * slots_ + s].resize(params[p].value->shape());
}

void Optimizer::step(std::span<const Param<float>> params) {
  begin_update(params);
  std::size_t total = 0;
  for (const auto& p : params) total += p.value->size();
  update_elements(params, 0, total);
}

void Optimizer::begin_update(std::span<const Param<float>> params) {
  init_state(params);
  SCRATCHNET_CHECK(slots_ == 0 || state_.size() == params.size() * slots_,
                   "optimizer saw {} parameters, state holds {}", params.size(),
                   state_.size() / slots_);
  ++steps_;
  begin_step();
}

void Optimizer::update_elements(std::span<const Param<float>> params, std::size_t from, std::size_t to) {
  const float decay = static_cast<float>(weight_decay_);
  constexpr int kMaxSlots = 4;
  SCRATCHNET_CHECK(slots_ <= kMaxSlots, "{} state slots", slots_);
  std::size_t begin = 0;  // where parameter p starts among the values end to end
  for (std::size_t p = 0; p < params.size() && begin < to; ++p) {
    const Param<float>& param = params[p];
    const std::size_t end = begin + param.value->size();
    const std::size_t lo = std::max(from, begin), hi = std::min(to, end);
    if (lo < hi) {
      const std::size_t at = lo - begin;
      float* slot[kMaxSlots] = {};
      for (int s = 0; s < slots_; ++s) slot[s] = state_[p * slots_ + s].data() + at;
      update(param.value->data() + at, param.grad->data() + at, hi - lo, slot, param.decay ? decay : 0.0f);
    }
    begin = end;
  }
}

}  // namespace scratchnet
