#include "scratchnet/train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "scratchnet/core/error.h"
#include "scratchnet/data/batcher.h"

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
}

double Trainer::step(const Tensor& x, const Targets<float>& targets) {
  network_.zero_grad();
  const Tensor& out = network_.forward(x, Mode::kTrain);
  const double loss = loss_.forward(out, targets);
  network_.backward(loss_.backward());
  optimizer_.step(network_.params());
  return loss;
}

std::vector<EpochStats> Trainer::fit(const Dataset& train, const Dataset* test,
                                     TrainObserver* observer) {
  if (train.size() == 0) throw_usage("the training set is empty");
  BatchSampler sampler(train.size(), options_.batch_size);
  std::vector<EpochStats> history;
  for (std::size_t epoch = 1; epoch <= options_.epochs; ++epoch) {
    const auto epoch_start = Clock::now();
    sampler.shuffle(rng_);
    EpochStats stats;
    stats.epoch = epoch;
    stats.lr = optimizer_.lr();
    double loss_sum = 0;
    double step_seconds = 0;
    for (std::size_t b = 0; b < sampler.num_batches(); ++b) {
      const auto indices = sampler.batch(b);
      train.gather(indices, x_, labels_, y_);
      const auto step_start = Clock::now();
      const double loss = step(x_, Targets<float>{labels_, &y_});
      step_seconds += seconds_since(step_start);
      if (!std::isfinite(loss))
        throw Error(ErrorKind::kDivergence,
                    fmt::format("training diverged at epoch {}, iteration {}: the loss is {} "
                                "(try a smaller learning rate)",
                                epoch, optimizer_.steps(), loss));
      loss_sum += loss * static_cast<double>(indices.size());
      if (observer)
        observer->on_step({epoch, b + 1, sampler.num_batches(), optimizer_.steps(), loss});
    }
    stats.iteration = optimizer_.steps();
    stats.samples = train.size();
    stats.step_seconds = step_seconds;
    stats.train_loss = loss_sum / static_cast<double>(train.size());
    stats.train_accuracy = options_.evaluate_train ? evaluate(train).accuracy
                                                   : std::numeric_limits<double>::quiet_NaN();
    if (test != nullptr && test->size() > 0) {
      const EvalResult r = evaluate(*test);
      stats.test_loss = r.loss;
      stats.test_accuracy = r.accuracy;
    } else {
      stats.test_loss = stats.test_accuracy = std::numeric_limits<double>::quiet_NaN();
    }
    stats.seconds = seconds_since(epoch_start);
    history.push_back(stats);
    if (observer) observer->on_epoch(stats);
  }
  return history;
}

EvalResult Trainer::evaluate(const Dataset& data) {
  EvalResult result;
  result.samples = data.size();
  if (data.size() == 0) return result;
  std::vector<std::int32_t> predicted;
  double loss_sum = 0;
  std::size_t correct = 0;
  for (std::size_t start = 0; start < data.size(); start += options_.eval_batch_size) {
    const std::size_t count = std::min(options_.eval_batch_size, data.size() - start);
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
  result.loss = loss_sum / static_cast<double>(data.size());
  if (data.task == Task::kClassification)
    result.accuracy = static_cast<double>(correct) / static_cast<double>(data.size());
  return result;
}

}  // namespace scratchnet
