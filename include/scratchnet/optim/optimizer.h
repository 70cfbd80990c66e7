#pragma once
// The optimizer interface: every optimizer has the same `step(params)` shape
// (as `update(params, grads)` in the book's common/optimizer.py).
//
// step() applies one update to each parameter from its gradient. The optional
// L2 weight decay adds lambda * w to the gradient of every parameter marked
// `decay` (weights, not biases) before the rule is applied -- the gradient of
// the penalty (lambda / 2) * sum(w^2) -- except in AdamW, which decouples it. State (velocities,
// moment estimates) is kept per parameter index, sized on the first step, so
// the same parameter list must be passed every time.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "scratchnet/core/tensor.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet {

struct OptimizerOptions {
  double lr = 0;             // 0 = the optimizer's default learning rate
  double weight_decay = 0;   // L2 coefficient lambda
  double momentum = 0.9;     // Momentum, Nesterov
  double beta1 = 0.9;        // Adam
  double beta2 = 0.999;      // Adam
  double rho = 0.99;         // RMSProp decay of the squared-gradient average
  double eps = 1e-8;         // Adam; AdaGrad and RMSProp use 1e-7 as in the book
};

class Optimizer {
 public:
  Optimizer(std::string type, const OptimizerOptions& options, int state_slots);
  Optimizer(const Optimizer&) = delete;
  Optimizer& operator=(const Optimizer&) = delete;
  virtual ~Optimizer() = default;

  void step(std::span<const Param<float>> params);

  const std::string& type() const { return type_; }
  double lr() const { return lr_; }
  void set_lr(double lr) { lr_ = lr; }
  const OptimizerOptions& options() const { return options_; }
  std::int64_t steps() const { return steps_; }
  // Per-parameter state tensors (slot-major within each parameter), for checkpoints.
  std::vector<Tensor>& state() { return state_; }
  void set_steps(std::int64_t steps) { steps_ = steps; }

 protected:
  // Updates the n values of parameter `w` from gradient `g`. `state` points at
  // this parameter's state_slots tensors of n values each; `decay` is the L2
  // coefficient to add (0 for parameters without decay).
  virtual void update(float* w, const float* g, std::size_t n, Tensor* state, float decay) = 0;

  OptimizerOptions options_;

 private:
  std::string type_;
  double lr_;
  int slots_;
  std::int64_t steps_ = 0;
  std::vector<Tensor> state_;
};

// Builds an optimizer by name: sgd, momentum, nesterov, adagrad, rmsprop, adam, adamw.
std::unique_ptr<Optimizer> make_optimizer(const std::string& type, const OptimizerOptions& options);
std::vector<std::string> registered_optimizer_types();
// The learning rate `type` uses when none is given.
double default_learning_rate(const std::string& type);

}  // namespace scratchnet
