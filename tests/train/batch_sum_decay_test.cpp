// BatchSumDecay (scikit-learn's alpha): each step's weight decay is alpha
// divided by that step's batch size, the remainder batch included.

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/train/batch_sum_decay.h"
#include "support/expect_error.h"

namespace scratchnet {
namespace {

// Records the weight decay each step used (it runs before BatchSumDecay
// changes it for the next step).
class DecayRecorder final : public TrainCallback {
 public:
  void on_step(Trainer& trainer, const StepInfo& /*step*/) override {
    used.push_back(trainer.optimizer().weight_decay());
  }
  std::vector<double> used;
};

TEST(BatchSumDecay, EachStepUsesAlphaOverItsBatchSize) {
  Dataset data = make_xor(10, 1);  // 10 samples, batch 4: batches of 4, 4, 2
  Network<float> net({data.sample_shape, {{"dense", {{"units", 2}}}}});
  Rng init(1);
  net.initialize(InitScheme(InitScheme::Kind::kXavierNormal), init);
  auto loss = make_loss<float>("softmax_cross_entropy");
  auto optimizer = make_optimizer("sgd", {0.1, 0.0, {}});
  TrainOptions options;
  options.epochs = 2;
  options.batch_size = 4;
  options.evaluate_train = false;
  Rng shuffle(2);
  Trainer trainer(net, *loss, *optimizer, options, shuffle);
  DecayRecorder recorder;
  BatchSumDecay decay(0.8);
  std::vector<TrainCallback*> callbacks = {&recorder, &decay};
  trainer.fit({&data, nullptr, nullptr}, callbacks);
  EXPECT_EQ(recorder.used, (std::vector<double>{0.2, 0.2, 0.4, 0.2, 0.2, 0.4}));
}

TEST(BatchSumDecay, ANegativeAlphaIsAUsageError) {
  testing::expect_error([] { BatchSumDecay(-1); }, ErrorKind::kUsage, {"alpha", "-1"});
}

}  // namespace
}  // namespace scratchnet
