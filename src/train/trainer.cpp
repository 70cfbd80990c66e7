#include "scratchnet/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"
#include "scratchnet/data/batcher.h"
#include "scratchnet/train/early_stopping.h"

namespace scratchnet {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

void argmax_rows(const Tensor& scores, std::vector<std::int32_t>& out) {
  const std::size_t n = scores.rows(), k = scores.cols();
  out.resize(n);
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = scores.row(r);
    out[r] = static_cast<std::int32_t>(std::max_element(row, row + k) - row);
  }
}

Trainer::Trainer(Network<float>& network, Loss<float>& loss, Optimizer& optimizer,
                 const TrainOptions& options, Rng& rng)
    : network_(network), loss_(loss), optimizer_(optimizer), options_(options), rng_(rng) {
  if (options.batch_size == 0) throw_usage("batch size must be at least 1");
  if (options.epochs == 0) throw_usage("epochs must be at least 1");
  network_.reseed(options.seed);
}

double Trainer::step(const Tensor& x, const Targets<float>& targets) {
  network_.zero_grad();
  const Tensor& out = network_.forward(x, Mode::kTrain);
  const double loss = loss_.forward(out, targets);
  if (!std::isfinite(loss)) return loss;
  network_.backward(loss_.backward());
  optimizer_.step(network_.params());
  return loss;
}

double Trainer::parallel_step(const Dataset& train, std::span<const std::size_t> shard,
                              std::size_t global_size) {
  network_.zero_grad();
  double loss_sum = 0;
  if (!shard.empty()) {
    train.gather(shard, x_, labels_, y_);
    const Tensor& out = network_.forward(x_, Mode::kTrain);
    const double loss = loss_.forward(out, Targets<float>{labels_, &y_});
    loss_sum = loss * static_cast<double>(shard.size());
    if (std::isfinite(loss)) network_.backward(loss_.backward());
  }
  // Each process holds the mean gradient of its shard; weighted by its share,
  // the sum over processes is the mean gradient of the global batch.
  const auto& params = network_.params();
  std::size_t total = 0;
  for (const auto& p : params) total += p.grad->size();
  fused_.resize(total + 1);
  const float share = static_cast<float>(shard.size()) / static_cast<float>(global_size);
  std::size_t at = 0;
  for (const auto& p : params)
    for (float g : p.grad->span()) fused_[at++] = g * share;
  fused_[total] = static_cast<float>(loss_sum);
  const auto reduce_start = Clock::now();
  options_.comm->allreduce_sum(fused_);
  allreduce_seconds_ += seconds_since(reduce_start);
  ++allreduce_calls_;
  const double loss = fused_[total] / static_cast<double>(global_size);
  if (!std::isfinite(loss)) return loss;  // every process sees it and stops alike
  at = 0;
  for (const auto& p : params)
    for (float& g : p.grad->span()) g = fused_[at++];
  optimizer_.step(params);
  return loss;
}

double Trainer::l2_penalty() const {
  const double lambda = optimizer_.weight_decay();
  if (lambda == 0 || optimizer_.type().decoupled_decay) return 0;
  double sum = 0;
  for (const auto& p : network_.params())
    if (p.decay)
      for (float w : p.value->span()) sum += static_cast<double>(w) * w;
  return 0.5 * lambda * sum;
}

FitResult Trainer::fit(const Dataset& train, const Dataset* validation, const Dataset* test,
                       TrainObserver* observer, const TrainingState* resume,
                       const std::function<void(const TrainingState&)>& on_epoch_end) {
  if (train.size() == 0) throw_usage("the training set is empty");
  const bool has_validation = validation != nullptr && validation->size() > 0;
  if (options_.patience > 0 && !has_validation)
    throw_usage("early stopping needs a validation split (set data.validation_fraction)");
  if (options_.monitor == Monitor::kValAccuracy && train.task == Task::kRegression && options_.patience > 0)
    throw_usage("monitor val_accuracy needs a classification task; use val_loss");
  auto schedule = LrSchedule::parse(options_.lr_schedule, optimizer_.lr(), options_.epochs);
  BatchSampler sampler(train.size(), options_.batch_size);
  const bool by_loss = options_.monitor == Monitor::kValLoss;
  EarlyStopping stopper(by_loss ? EarlyStopping::Goal::kMinimize : EarlyStopping::Goal::kMaximize,
                        options_.patience, options_.min_delta);

  // The state at the last epoch boundary: the start, or the resumed checkpoint.
  TrainingState& state = boundary_;
  if (resume != nullptr) {
    state = *resume;
    network_.restore(state.weights);
    rng_.set_state(state.rng);
    optimizer_.set_lr(state.lr);
    optimizer_.set_steps(state.optimizer_steps);
    optimizer_.state() = state.optimizer_state;
    schedule->set_state(state.schedule_state);
    stopper.set_state(state.stopper);
  } else {
    state = TrainingState{};
    state.rng = rng_.state();
    state.lr = optimizer_.lr();
    state.optimizer_steps = optimizer_.steps();
    state.optimizer_state = optimizer_.state();
    state.schedule_state = schedule->state();
    state.stopper = stopper.state();
    state.weights = network_.snapshot();
  }
  const bool parallel = options_.comm != nullptr && options_.comm->size() > 1;
  const int rank = parallel ? options_.comm->rank() : 0;
  FitResult result;
  result.history = state.history;
  result.best_epoch = stopper.best_epoch();

  for (std::size_t epoch = state.epochs_done + 1; epoch <= options_.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    sampler.shuffle(rng_);
    // Layer randomness (dropout masks) restarts from the run seed every epoch,
    // so a run resumed at an epoch boundary draws the same masks.
    network_.reseed(options_.seed + epoch + 0x9e3779b97f4aULL * static_cast<std::uint64_t>(rank));
    EpochStats stats;
    stats.epoch = epoch;
    stats.lr = optimizer_.lr();
    double loss_sum = 0, step_seconds = 0;
    for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
      if (interrupt_requested())
        throw Error(ErrorKind::kInterrupted,
                    fmt::format("interrupted at epoch {}, iteration {}", epoch, optimizer_.steps()));
      const auto indices = sampler.batch(b);
      const auto step_start = Clock::now();
      double loss;
      if (parallel) {
        const Shard mine = shard_of(indices.size(), rank, options_.comm->size());
        loss = parallel_step(train, indices.subspan(mine.begin, mine.end - mine.begin), indices.size());
      } else {
        train.gather(indices, x_, labels_, y_);
        loss = step(x_, Targets<float>{labels_, &y_});
      }
      step_seconds += seconds_since(step_start);
      if (!std::isfinite(loss)) {
        const int layer = network_.first_non_finite_layer();
        const std::string where =
            layer < 0 ? "the network outputs are finite, so the loss itself overflowed"
                      : fmt::format("layer {} ({}) is the first whose output is not finite", layer + 1,
                                    network_.layer(static_cast<std::size_t>(layer)).spec().str());
        network_.restore(state.weights);
        throw Error(ErrorKind::kDivergence,
                    fmt::format("training diverged at epoch {}, iteration {}: the loss is {}; {}. "
                                "The {} are kept. Try a smaller learning rate.",
                                epoch, optimizer_.steps() + 1, loss, where,
                                epoch == 1 ? "initial weights" : fmt::format("weights of epoch {}", epoch - 1)));
      }
      loss_sum += loss * static_cast<double>(indices.size());
      if (observer)
        observer->on_step({epoch, b + 1, sampler.num_batches(), optimizer_.steps(), loss});
    }
    if (parallel) {
      // Batch-norm running statistics come from each process's shards: average
      // them so every process holds the same model.
      for (const auto& buffer : network_.buffers()) {
        options_.comm->allreduce_sum(buffer.value->span());
        for (float& v : buffer.value->span()) v /= static_cast<float>(options_.comm->size());
      }
    }
    stats.iteration = optimizer_.steps();
    stats.samples = train.size();
    stats.step_seconds = step_seconds;
    stats.train_loss = loss_sum / static_cast<double>(train.size());
    stats.l2_penalty = l2_penalty();
    if (options_.evaluate_train) stats.train_accuracy = evaluate(train).accuracy;
    if (has_validation) {
      const EvalResult r = evaluate(*validation);
      stats.val_loss = r.loss;
      stats.val_accuracy = r.accuracy;
    }
    if (test != nullptr && test->size() > 0) {
      const EvalResult r = evaluate(*test);
      stats.test_loss = r.loss;
      stats.test_accuracy = r.accuracy;
    }
    stats.seconds = seconds_since(epoch_start);
    result.history.push_back(stats);
    if (observer) observer->on_epoch(stats);

    // Stopping rules.
    bool stop = false;
    if (has_validation) {
      const auto decision = stopper.observe(epoch, by_loss ? stats.val_loss : stats.val_accuracy);
      result.best_epoch = stopper.best_epoch();
      if (decision.improved && options_.patience > 0) state.best_weights = network_.snapshot();
      if (decision.stop) {
        result.stopped_early = stop = true;
        result.stop_reason = fmt::format(
            "early stopping: {} has not improved for {} epochs; restored the weights of epoch {}",
            by_loss ? "val_loss" : "val_accuracy", options_.patience, result.best_epoch);
      }
    }
    if (!stop && options_.loss_tolerance > 0 && epoch > 1 &&
        std::abs(stats.train_loss - result.history[epoch - 2].train_loss) < options_.loss_tolerance) {
      result.stopped_early = stop = true;
      result.stop_reason = fmt::format("the training loss changed by less than {:g}",
                                       options_.loss_tolerance);
    }
    if (!stop)
      optimizer_.set_lr(schedule->next_lr(epoch, optimizer_.lr(),
                                          has_validation ? stats.val_loss : stats.train_loss));

    // The new epoch boundary.
    state.epochs_done = epoch;
    state.history = result.history;
    state.rng = rng_.state();
    state.lr = optimizer_.lr();
    state.optimizer_steps = optimizer_.steps();
    state.optimizer_state = optimizer_.state();
    state.schedule_state = schedule->state();
    state.stopper = stopper.state();
    state.weights = network_.snapshot();
    if (stop) break;
    if (on_epoch_end) on_epoch_end(state);
  }
  if (!has_validation) result.best_epoch = result.history.size();
  if (options_.patience > 0 && !state.best_weights.empty()) network_.restore(state.best_weights);
  return result;
}

EvalResult Trainer::evaluate(const Dataset& data) {
  EvalResult result;
  result.samples = data.size();
  if (data.size() == 0) return result;
  // In data-parallel training each process evaluates its share; the sums are reduced.
  const bool parallel = options_.comm != nullptr && options_.comm->size() > 1;
  const Shard mine = parallel ? shard_of(data.size(), options_.comm->rank(), options_.comm->size())
                              : Shard{0, data.size()};
  std::vector<std::int32_t> predicted;
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t start = mine.begin; start < mine.end; start += options_.eval_batch_size) {
    const std::size_t count = std::min(options_.eval_batch_size, mine.end - start);
    eval_indices_.resize(count);
    std::iota(eval_indices_.begin(), eval_indices_.end(), start);
    data.gather(eval_indices_, x_, labels_, y_);
    const Tensor& out = network_.forward(x_, Mode::kEval);
    loss_sum += loss_.forward(out, Targets<float>{labels_, &y_}) * static_cast<double>(count);
    if (data.task == Task::kClassification) {
      argmax_rows(out, predicted);
      for (std::size_t i = 0; i < count; ++i) correct += predicted[i] == labels_[i];
    }
  }
  if (parallel) {
    double sums[2] = {loss_sum, static_cast<double>(correct)};
    options_.comm->allreduce_sum(sums);
    loss_sum = sums[0];
    correct = static_cast<std::size_t>(sums[1]);
  }
  result.loss = loss_sum / static_cast<double>(data.size());
  if (data.task == Task::kClassification)
    result.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  return result;
}

}  // namespace scratchnet
