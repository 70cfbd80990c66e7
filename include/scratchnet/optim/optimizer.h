#pragma once
// The optimizer interface: every optimizer has the same `step(params)` shape
// (as `update(params, grads)` in the book's common/optimizer.py).
//
// step() applies one update to each parameter from its gradient. The optional
// L2 weight decay adds lambda * w to the gradient of every parameter marked
// `decay` (weights, not biases) before the rule is applied -- the gradient of
// the penalty (lambda / 2) * sum(w^2) -- except in AdamW, which decouples it.
// State (velocities, moment estimates) is kept per parameter index, sized on
// the first step, so the same parameter list must be passed every time.
//
// Each optimizer is one file pair: its options struct (with its defaults),
// its update rule (one loop, vectorised by the compiler for each instruction
// set: see vectorised.h) and its OptimizerType, the description that the
// registry (optimizer_types()), the config, `--help` and the Python package
// read. The optimizer owns the current learning rate; a schedule changes it
// through set_lr().

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/param.h"
#include "scratchnet/core/tensor.h"

namespace scratchnet {

class Optimizer;

// A hyper-parameter of an optimizer, set as `train.<name>` in a config.
// Valid values lie in [min, max], with an open end where `*_open` says so.
struct SCRATCHNET_API HyperParameter {
  const char* name;
  double default_value;
  double min, max;
  bool min_open, max_open;
  const char* help;

  bool accepts(double value) const;
  std::string range() const;  // "[0, 1)"
};

// The settings of a run that an optimizer is built from: the rate (unset: the
// optimizer's default), the L2 coefficient, and hyper-parameters by name
// (names the optimizer does not use are ignored; unset ones take their
// defaults).
struct SCRATCHNET_API OptimizerSettings {
  std::optional<double> lr;
  double weight_decay = 0;
  std::map<std::string, double> hyper;
};

// What the registry knows of an optimizer type.
struct SCRATCHNET_API OptimizerType {
  const char* name;
  const char* summary;  // one line, with the paper
  double default_lr;
  std::vector<HyperParameter> hyper;
  bool decoupled_decay;  // weight decay acts on w directly (AdamW), not on the gradient
  // Builds it from a rate, a decay and a value for every hyper-parameter in `hyper`.
  std::unique_ptr<Optimizer> (*make)(double lr, double weight_decay,
                                     const std::map<std::string, double>& hyper);
};

class SCRATCHNET_API Optimizer {
 public:
  // `lr` > 0 and `weight_decay` >= 0 (usage errors naming them otherwise);
  // `state_slots` tensors of state per parameter.
  Optimizer(double lr, double weight_decay, int state_slots);
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  virtual ~Optimizer() = default;

  void step(std::span<const Param<float>> params);
  // step() in parts, for an update split over threads by parameter ranges:
  // begin_update once, then update_elements for disjoint ranges [from, to)
  // of the parameters' values taken end to end (in the order of `params`)
  // that together cover them all, from any threads. Every rule is
  // elementwise, so the numbers are step()'s whatever the ranges.
  void begin_update(std::span<const Param<float>> params);
  void update_elements(std::span<const Param<float>> params, std::size_t from, std::size_t to);

  virtual const OptimizerType& type() const = 0;
  std::string name() const { return type().name; }
  double lr() const { return lr_; }
  void set_lr(double lr);
  double weight_decay() const { return weight_decay_; }
  // Changes the L2 coefficient for the steps that follow (>= 0; a usage error
  // otherwise): scikit-learn's alpha, which scales with each batch's size
  // (train/batch_sum_decay.h), sets it before every step.
  void set_weight_decay(double weight_decay);
  // The hyper-parameters as used, in the order of type().hyper.
  virtual std::vector<std::pair<std::string, double>> hyper_parameters() const = 0;
  std::int64_t steps() const { return steps_; }
  void set_steps(std::int64_t steps) { steps_ = steps; }
  // Per-parameter state tensors (slot-major within each parameter), for checkpoints.
  std::vector<Tensor>& state() { return state_; }
  // Sizes the state for `params` (zeros) unless it is sized already; step()
  // calls it, and it lets a caller set the state before the first step.
  void init_state(std::span<const Param<float>> params);
  // State tensors per parameter (AdaGrad: h; Adam: m, v; see each optimizer's header).
  int state_slots() const { return slots_; }

 protected:
  // Called once per step, after steps() has counted it, before the updates
  // (Adam computes its bias corrections here).
  virtual void begin_step() {}
  // Updates the n values `w` of a parameter (or of a range of it) from
  // gradient `g`. `state` points at the same range of each of this
  // parameter's state tensors (one pointer per slot); `decay` is the L2
  // coefficient to apply
  // (0 for parameters without decay).
  virtual void update(float* w, const float* g, std::size_t n, float* const* state, float decay) = 0;

 private:
  double lr_, weight_decay_;
  int slots_;
  std::int64_t steps_ = 0;
  std::vector<Tensor> state_;
};

// Every optimizer type, in the order of `--help`.
SCRATCHNET_API const std::vector<const OptimizerType*>& optimizer_types();
// The type called `name`; a usage error naming the choices otherwise.
SCRATCHNET_API const OptimizerType& optimizer_type(std::string_view name);
SCRATCHNET_API std::vector<std::string> registered_optimizer_types();
// The learning rate `name` uses when none is given.
SCRATCHNET_API double default_learning_rate(const std::string& name);
// Builds optimizer `name` from run settings. Hyper-parameter values out of
// range are usage errors naming the key and its range.
SCRATCHNET_API std::unique_ptr<Optimizer> make_optimizer(const std::string& name,
                                                         const OptimizerSettings& settings);
// The hyper-parameter `name` of any optimizer (the first that declares it:
// all that share a name share its range), or null.
SCRATCHNET_API const HyperParameter* find_hyper_parameter(std::string_view name);

// The value of hyper-parameter `name` in a map that holds every declared
// one (what OptimizerType::make receives).
SCRATCHNET_API double hyper_value(const std::map<std::string, double>& hyper, const char* name);

}  // namespace scratchnet
