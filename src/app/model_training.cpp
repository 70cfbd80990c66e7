#include "scratchnet/app/model_training.h"

#include "scratchnet/app/interchange.h"
#include "scratchnet/core/error.h"
#include "scratchnet/losses/class_weights.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/losses/softmax_cross_entropy.h"

namespace scratchnet {
namespace {

TrainOptions train_options(const TrainConfig& config, const Model& model, Communicator* comm) {
  TrainOptions options;
  if (model.image) options.augment = parse_image_augment(config.augment);
  options.epochs = config.epochs;
  options.batch_size = config.batch_size;
  options.evaluate_train = config.train_metrics == TrainMetrics::kFull;
  options.test_every = config.evaluate_test;
  options.max_shares = config.batch_shares;
  options.seed = run_stream(config.seed, RunStream::kLayers).next_u64();
  options.comm = comm;
  return options;
}

Network<float>& network_of(Model& model) {
  SCRATCHNET_CHECK(model.network != nullptr, "the model has no network");
  return *model.network;
}

}  // namespace

Model new_model(const TrainConfig& config, const PreparedData& data) {
  const Task task = data.train.task;
  Model model;
  model.task = task;
  model.loss = task == Task::kClassification ? "softmax_cross_entropy" : "mse";
  model.class_names = data.train.class_names;
  model.feature_names = data.train.feature_names;
  model.tabular = data.tabular;
  model.image = data.image;
  model.scaler = data.scaler;
  model.config_toml = config.to_toml();
  model.network = std::make_unique<Network<float>>(
      Architecture{data.train.sample_shape, config.network_layers(data.train.num_outputs())});
  Rng init_rng = run_stream(config.seed, RunStream::kInit);
  model.network->initialize(config.init, init_rng);
  if (!config.init_from.empty()) load_initial_weights(*model.network, config.init_from);  // start from given weights
  return model;
}

ModelTrainer::ModelTrainer(const TrainConfig& config, Model& model, Communicator* comm, const Dataset* train)
    : optimizer_(make_optimizer(config.optimizer, {config.lr, config.weight_decay, config.hyper})),
      loss_(make_loss<float>(model.loss)),
      shuffle_rng_(run_stream(config.seed, RunStream::kShuffle)),
      early_stopping_(config.early_stopping, config.monitor, config.min_delta),
      tolerance_(config.loss_tolerance),
      stop_at_(StopTarget::parse(config.stop_at)),
      schedule_(config.lr_schedule, optimizer_->lr(), config.epochs),
      trainer_(network_of(model), *loss_,
               *optimizer_, train_options(config, model, comm), shuffle_rng_) {
  if (config.label_smoothing > 0) {  // train.label_smoothing
    auto* softmax = dynamic_cast<SoftmaxCrossEntropy<float>*>(loss_.get());
    if (softmax == nullptr)
      throw_usage("train.label_smoothing: label smoothing needs a classification task (softmax_cross_entropy), "
                  "not the '{}' loss",
                  loss_->type());
    softmax->set_label_smoothing(config.label_smoothing);
  }
  if (config.class_weight.empty()) return;
  if (model.task != Task::kClassification) throw_usage("train.class_weight: class weights need a classification task");
  if (train == nullptr && config.class_weight == "balanced")
    throw_internal("class weights 'balanced' need the training set's class counts");
  const std::vector<std::size_t> counts =
      train ? train->class_counts() : std::vector<std::size_t>(model.class_names.size(), 1);
  set_class_weights(*loss_, parse_class_weights(config.class_weight, model.class_names, counts));
}

std::vector<TrainCallback*> ModelTrainer::callbacks(std::initializer_list<TrainCallback*> observers,
                                                    std::initializer_list<TrainCallback*> last) {
  std::vector<TrainCallback*> all = {&guard_};
  for (TrainCallback* c : observers)
    if (c) all.push_back(c);
  for (TrainCallback* c : {static_cast<TrainCallback*>(&early_stopping_), static_cast<TrainCallback*>(&tolerance_),
                           static_cast<TrainCallback*>(&stop_at_), static_cast<TrainCallback*>(&schedule_)})
    all.push_back(c);
  for (TrainCallback* c : last)
    if (c) all.push_back(c);
  return all;
}

}  // namespace scratchnet
