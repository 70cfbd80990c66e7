#include "scratchnet/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>
#include <optional>

#include "scratchnet/core/error.h"
#include "scratchnet/core/interrupt.h"
#include "scratchnet/train/evaluation.h"

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

// Rows of `out` whose largest score is at the label (none without labels).
static std::size_t count_correct(const Tensor& out, std::span<const std::int32_t> labels,
                                 std::vector<std::int32_t>& predicted) {
  if (labels.empty()) return 0;
  argmax_rows(out, predicted);
  std::size_t correct = 0;
  for (std::size_t i = 0; i < labels.size(); ++i) correct += predicted[i] == labels[i];
  return correct;
}

double Trainer::step(const Tensor& x, const Targets<float>& targets) {
  const std::size_t shares = BatchParallelStep::shares_for(network_, x.rows(), options_.max_shares);
  last_step_parallel_ = shares > 1;
  if (last_step_parallel_) {
    if (!batch_parallel_) batch_parallel_ = std::make_unique<BatchParallelStep>(network_, loss_, optimizer_);
    const double loss = batch_parallel_->step(x, targets, shares);
    last_correct_ = count_correct(batch_parallel_->output(), targets.labels, predicted_);
    return loss;
  }
  network_.zero_grad();
  const Tensor& out = network_.forward(x, Mode::kTrain);
  last_correct_ = count_correct(out, targets.labels, predicted_);
  const double loss = loss_.forward(out, targets);
  if (!std::isfinite(loss)) return loss;
  network_.backward(loss_.backward());
  optimizer_.step(network_.params());
  return loss;
}

int Trainer::first_non_finite_layer() const {
  return last_step_parallel_ ? batch_parallel_->first_non_finite_layer() : network_.first_non_finite_layer();
}

double Trainer::parallel_step(const Dataset& train, std::span<const std::size_t> shard,
                              std::size_t global_size, const std::function<void(Tensor&)>& augment) {
  network_.zero_grad();
  double loss_sum = 0;
  std::size_t correct = 0;
  if (!shard.empty()) {
    train.gather(shard, x_, labels_, y_, augment);
    const Tensor& out = network_.forward(x_, Mode::kTrain);
    correct = count_correct(out, train.task == Task::kClassification ? std::span<const std::int32_t>(labels_)
                                                                       : std::span<const std::int32_t>(),
                            predicted_);
    const double loss = loss_.forward(out, Targets<float>{labels_, &y_});
    loss_sum = loss * static_cast<double>(shard.size());
    if (std::isfinite(loss)) network_.backward(loss_.backward());
  }
  // Each process holds the mean gradient of its shard; weighted by its share,
  // the sum over processes is the mean gradient of the global batch.
  const auto& params = network_.params();
  std::size_t total = 0;
  for (const auto& p : params) total += p.grad->size();
  fused_.resize(total + 2);  // the gradients, the loss sum, the correct count
  const float share = static_cast<float>(shard.size()) / static_cast<float>(global_size);
  std::size_t at = 0;
  for (const auto& p : params)
    for (float g : p.grad->span()) fused_[at++] = g * share;
  fused_[total] = static_cast<float>(loss_sum);
  fused_[total + 1] = static_cast<float>(correct);
  const auto reduce_start = Clock::now();
  options_.comm->allreduce_sum(fused_);
  allreduce_seconds_ += seconds_since(reduce_start);
  ++allreduce_calls_;
  const double loss = fused_[total] / static_cast<double>(global_size);
  last_correct_ = static_cast<std::size_t>(std::lround(fused_[total + 1]));
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

void Trainer::run_epoch(const Dataset& train, const BatchSampler& sampler, std::size_t epoch,
                        std::span<TrainCallback* const> callbacks, EpochStats& stats) {
  const int rank = parallel() ? options_.comm->rank() : 0;
  double loss_sum = 0;
  std::size_t correct = 0;
  if (sampler.num_batches() > 0) train.prefetch(sampler.batch(0));
  for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
    // Streamed image sets decode the next batch while this one trains.
    if (b + 1 < sampler.num_batches()) train.prefetch(sampler.batch(b + 1));
    if (interrupt_requested())
      throw Error(ErrorKind::kInterrupted,
                  fmt::format("interrupted at epoch {}, iteration {}", epoch, optimizer_.steps()));
    const auto indices = sampler.batch(b);
    const auto step_start = Clock::now();
    // Augmentation draws from a seed per (epoch, batch, process), so resumed
    // runs draw the same; a data-parallel process augments its own shard.
    std::function<void(Tensor&)> augment;
    std::optional<ImageAugmenter> augmenter;
    if (options_.augment.active()) {
      augmenter.emplace(options_.augment, options_.seed ^ (0x9e3779b97f4a7c15ULL * ((epoch * 1'000'003 + b) * 64 +
                                                                                   static_cast<std::uint64_t>(rank))));
      augment = [&](Tensor& x) { augmenter->apply(x); };
    }
    double loss;
    if (parallel()) {
      const Shard mine = shard_of(indices.size(), rank, options_.comm->size());
      loss = parallel_step(train, indices.subspan(mine.begin, mine.end - mine.begin), indices.size(), augment);
    } else {
      train.gather(indices, x_, labels_, y_, augment);
      loss = step(x_, Targets<float>{labels_, &y_});
    }
    stats.step_seconds += seconds_since(step_start);
    loss_sum += loss * static_cast<double>(indices.size());
    correct += last_correct_;
    const StepInfo info{epoch, b + 1, sampler.num_batches(), optimizer_.steps(), loss};
    for (TrainCallback* c : callbacks) c->on_step(*this, info);
  }
  stats.train_loss = loss_sum / static_cast<double>(train.size());
  if (train.task == Task::kClassification)
    stats.train_accuracy = static_cast<double>(correct) / static_cast<double>(train.size());
}

void Trainer::take_boundary(std::size_t epochs_done, const std::vector<EpochStats>& history,
                            std::span<TrainCallback* const> callbacks) {
  TrainingState& state = boundary_;
  state.epochs_done = epochs_done;
  state.history = history;
  state.rng = rng_.state();
  state.lr = optimizer_.lr();
  state.optimizer_steps = optimizer_.steps();
  state.optimizer_state = optimizer_.state();
  state.weights = network_.snapshot();
  for (TrainCallback* c : callbacks) c->save(state);
}

FitResult Trainer::fit(const FitData& data, std::span<TrainCallback* const> callbacks,
                       const TrainingState* resume) {
  const Dataset& train = *data.train;
  if (train.size() == 0) throw_usage("the training set is empty");
  BatchSampler sampler(train.size(), options_.batch_size);
  FitResult result;
  if (resume != nullptr) {
    boundary_ = *resume;
    network_.restore(resume->weights);
    rng_.set_state(resume->rng);
    optimizer_.set_lr(resume->lr);
    optimizer_.set_steps(resume->optimizer_steps);
    optimizer_.state() = resume->optimizer_state;
    result.history = resume->history;
  }
  for (TrainCallback* c : callbacks) c->on_fit_begin(*this, data, resume);
  if (resume == nullptr) take_boundary(0, {}, callbacks);
  const int rank = parallel() ? options_.comm->rank() : 0;

  for (std::size_t epoch = boundary_.epochs_done + 1; epoch <= options_.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    sampler.shuffle(rng_);
    // Layer randomness (dropout masks) restarts from the run seed every epoch,
    // so a run resumed at an epoch boundary draws the same masks.
    network_.reseed(options_.seed + epoch + 0x9e3779b97f4aULL * static_cast<std::uint64_t>(rank));
    EpochStats stats;
    stats.epoch = epoch;
    stats.lr = optimizer_.lr();
    run_epoch(train, sampler, epoch, callbacks, stats);
    if (parallel()) {
      // Batch-norm running statistics come from each process's shards: average
      // them so every process holds the same model.
      for (const auto& buffer : network_.buffers()) {
        options_.comm->allreduce_sum(buffer.value->span());
        for (float& v : buffer.value->span()) v /= static_cast<float>(options_.comm->size());
      }
    }
    stats.iteration = optimizer_.steps();
    stats.samples = train.size();
    stats.l2_penalty = l2_penalty();
    if (options_.evaluate_train) {
      const EvalResult r = evaluate(train);
      stats.train_accuracy = r.accuracy;
      stats.train_eval_loss = r.loss;
    }
    if (data.has_validation()) {
      const EvalResult r = evaluate(*data.validation);
      stats.val_loss = r.loss;
      stats.val_accuracy = r.accuracy;
    }
    const bool test_due = options_.test_every <= 1 || epoch % options_.test_every == 0 || epoch == options_.epochs;
    if (data.test != nullptr && data.test->size() > 0 && test_due) {
      const EvalResult r = evaluate(*data.test);
      stats.test_loss = r.loss;
      stats.test_accuracy = r.accuracy;
    }
    stats.seconds = seconds_since(epoch_start);
    result.history.push_back(stats);

    EpochControl control;
    for (TrainCallback* c : callbacks) c->on_epoch_end(*this, stats, control);
    take_boundary(epoch, result.history, callbacks);
    if (control.stop) {
      result.stopped_early = true;
      result.stop_reason = control.reason;
      break;
    }
    for (TrainCallback* c : callbacks) c->on_boundary(*this, boundary_);
  }
  result.best_epoch = result.history.size();
  for (TrainCallback* c : callbacks) c->on_fit_end(*this, result);
  return result;
}

EvalResult Trainer::evaluate(const Dataset& data) {
  EvalResult result;
  result.samples = data.size();
  if (data.size() == 0) return result;
  // In data-parallel training each process evaluates its share; the sums are reduced.
  const Shard mine = parallel() ? shard_of(data.size(), options_.comm->rank(), options_.comm->size())
                                : Shard{0, data.size()};
  std::vector<std::int32_t> predicted;
  double loss_sum = 0;
  std::size_t correct = 0;
  const std::size_t rows = options_.eval_batch_size ? options_.eval_batch_size : eval_batch_rows(network_);
  for (std::size_t start = mine.begin; start < mine.end; start += rows) {
    const std::size_t count = std::min(rows, mine.end - start);
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
  if (parallel()) {
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
