#pragma once
// What a training run builds around its model, shared by run_training (the
// CLI) and the Python package's Model.fit, so that both train alike, bit for
// bit, from the same settings, rows and seed:
//
//   new_model     the model of a resolved config for prepared data: task and
//                 loss, class and feature names, the scaler fitted on the
//                 training part, the settings (config.to_toml()), and the
//                 network (config.network_layers) initialised from the run's
//                 kInit stream.
//   ModelTrainer  the optimizer (train.optimizer with its rate, weight decay
//                 and hyper-parameters), the loss (with train.class_weight
//                 and train.label_smoothing),
//                 the Trainer (image augmentation of training batches, shuffles from
//                 the kShuffle stream, layer randomness seeded from kLayers)
//                 and the standard callbacks, in run_training's order.
//
// Random streams: app/prepared_data.h (run_stream). Callback order:
// train/callbacks.h.

#include <initializer_list>
#include <memory>
#include <vector>

#include "scratchnet/app/prepared_data.h"
#include "scratchnet/core/communicator.h"
#include "scratchnet/core/export.h"
#include "scratchnet/train/callbacks.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/model.h"
#include "scratchnet/train/stop_at.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

// Requires a resolved config and data.train with at least one sample.
SCRATCHNET_API Model new_model(const TrainConfig& config, const PreparedData& data);

class SCRATCHNET_API ModelTrainer {
 public:
  // `config` resolved; `model.network` built (and initialised, or trained
  // before: training continues from its weights). `comm`: data parallelism
  // (null: one process). train.train_metrics full: the full pass over the
  // training set after each epoch for train_accuracy
  // (TrainOptions::evaluate_train). `train`: the training set, whose class
  // counts train.class_weight "balanced" needs.
  ModelTrainer(const TrainConfig& config, Model& model, Communicator* comm = nullptr,
               const Dataset* train = nullptr);
  ModelTrainer(const ModelTrainer&) = delete;
  ModelTrainer& operator=(const ModelTrainer&) = delete;

  // The callbacks of a run: the divergence guard, then `observers` (metrics
  // files, progress), early stopping, the loss tolerance, train.stop_at and
  // the learning-rate schedule, then `last` (checkpoints). Null entries are left out.
  std::vector<TrainCallback*> callbacks(std::initializer_list<TrainCallback*> observers,
                                        std::initializer_list<TrainCallback*> last = {});

  Trainer& trainer() { return trainer_; }
  Optimizer& optimizer() { return *optimizer_; }
  // train.stop_at: whether and when the target was reached.
  const StopAtCallback& stop_at() const { return stop_at_; }

 private:
  std::unique_ptr<Optimizer> optimizer_;
  std::unique_ptr<Loss<float>> loss_;
  Rng shuffle_rng_;
  DivergenceGuard guard_;
  EarlyStoppingCallback early_stopping_;
  LossToleranceCallback tolerance_;
  StopAtCallback stop_at_;
  LrScheduleCallback schedule_;
  Trainer trainer_;
};

}  // namespace scratchnet
