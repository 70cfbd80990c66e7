#include "scratchnet/optim/optimizer.h"

#include <cmath>

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
namespace {

struct Entry {
  const char* type;
  double default_lr;
  std::unique_ptr<Optimizer> (*make)(const OptimizerOptions&);
};

template <class O>
std::unique_ptr<Optimizer> construct(const OptimizerOptions& options) {
  return std::make_unique<O>(options);
}

const std::vector<Entry>& table() {
  static const std::vector<Entry> entries = {
      {"sgd", 0.01, &construct<Sgd>},
      {"momentum", 0.01, &construct<Momentum>},
      {"nesterov", 0.01, &construct<Nesterov>},
      {"adagrad", 0.01, &construct<AdaGrad>},
      {"rmsprop", 0.001, &construct<RmsProp>},
      {"adam", 0.001, &construct<Adam>},
      {"adamw", 0.001, &construct<AdamW>},
  };
  return entries;
}

const Entry& find(const std::string& type) {
  for (const auto& e : table())
    if (type == e.type) return e;
  throw_usage("unknown optimizer '{}' (known: {})", type,
              fmt::join(registered_optimizer_types(), ", "));
}

}  // namespace

Optimizer::Optimizer(std::string type, const OptimizerOptions& options, int state_slots)
    : options_(options),
      type_(std::move(type)),
      lr_(options.lr > 0 ? options.lr : default_learning_rate(type_)),
      slots_(state_slots) {
  if (!(options.lr >= 0) || !std::isfinite(options.lr))
    throw_usage("learning rate must be positive, got {:g}", options.lr);
  if (!(options.weight_decay >= 0) || !std::isfinite(options.weight_decay))
    throw_usage("weight decay must be zero or positive, got {:g}", options.weight_decay);
}

void Optimizer::step(std::span<const Param<float>> params) {
  if (state_.empty() && slots_ > 0) {
    state_.resize(params.size() * static_cast<std::size_t>(slots_));
    for (std::size_t p = 0; p < params.size(); ++p)
      for (int s = 0; s < slots_; ++s) state_[p * slots_ + s].resize(params[p].value->shape());
  }
  SCRATCHNET_CHECK(slots_ == 0 || state_.size() == params.size() * slots_,
                   "optimizer saw {} parameters, state holds {}", params.size(),
                   state_.size() / slots_);
  ++steps_;
  const float decay = static_cast<float>(options_.weight_decay);
  for (std::size_t p = 0; p < params.size(); ++p) {
    const Param<float>& param = params[p];
    Tensor* slot = slots_ > 0 ? &state_[p * slots_] : nullptr;
    update(param.value->data(), param.grad->data(), param.value->size(), slot,
           param.decay ? decay : 0.0f);
  }
}

std::unique_ptr<Optimizer> make_optimizer(const std::string& type, const OptimizerOptions& options) {
  return find(type).make(options);
}

std::vector<std::string> registered_optimizer_types() {
  std::vector<std::string> types;
  for (const auto& e : table()) types.emplace_back(e.type);
  return types;
}

double default_learning_rate(const std::string& type) { return find(type).default_lr; }

}  // namespace scratchnet
