// Early stopping: scripted metric sequences, and the trainer restoring the
// weights of the best epoch.

#include <limits>

#include <gtest/gtest.h>

#include "scratchnet/data/builtin.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/data/split.h"
#include "scratchnet/train/early_stopping.h"
#include "scratchnet/train/callbacks.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {
namespace {

TEST(EarlyStopping, StopsAfterPatienceEpochsWithoutImprovement) {
  EarlyStopping stop(EarlyStopping::Goal::kMinimize, 3, 0.0);
  const double losses[] = {1.0, 0.8, 0.9, 0.85, 0.79, 0.80, 0.81, 0.82};
  std::size_t stopped_at = 0;
  for (std::size_t e = 1; e <= 8; ++e) {
    const auto d = stop.observe(e, losses[e - 1]);
    EXPECT_EQ(d.improved, e == 1 || e == 2 || e == 5) << e;
    if (d.stop) {
      stopped_at = e;
      break;
    }
  }
  EXPECT_EQ(stopped_at, 8u);  // epochs 6, 7, 8 without improvement after the best at 5
  EXPECT_EQ(stop.best_epoch(), 5u);
  EXPECT_DOUBLE_EQ(stop.best_value(), 0.79);
}

TEST(EarlyStopping, MinDeltaAndMaximizeAndNonFinite) {
  EarlyStopping acc(EarlyStopping::Goal::kMaximize, 2, 0.01);
  EXPECT_TRUE(acc.observe(1, 0.50).improved);
  EXPECT_FALSE(acc.observe(2, 0.505).improved);  // within min_delta
  EXPECT_TRUE(acc.observe(3, 0.52).improved);
  EXPECT_FALSE(acc.observe(4, std::numeric_limits<double>::quiet_NaN()).improved);
  EXPECT_TRUE(acc.observe(5, 0.40).stop);
  EXPECT_EQ(acc.best_epoch(), 3u);
}

TEST(EarlyStopping, PatienceZeroNeverStops) {
  EarlyStopping s(EarlyStopping::Goal::kMinimize, 0, 0.0);
  s.observe(1, 1.0);
  for (std::size_t e = 2; e < 50; ++e) EXPECT_FALSE(s.observe(e, 2.0).stop);
}

// Records the weights after every epoch, to check the restore.
class WeightRecorder : public TrainCallback {
 public:
  explicit WeightRecorder(Network<float>& net) : net_(net) {}
  void on_epoch_end(Trainer&, const EpochStats&, EpochControl&) override { per_epoch.push_back(net_.snapshot()); }
  std::vector<std::vector<Tensor>> per_epoch;

 private:
  Network<float>& net_;
};

TEST(EarlyStopping, TrainerRestoresTheBestEpochsWeights) {
  // Digits with a tiny training set and a big network over-fits quickly, so
  // the validation loss turns up and training stops early.
  DataOptions digits;
  digits.source = "digits";
  Dataset all = load_dataset(digits);
  Rng rng(3);
  SplitIndices split = split_dataset(all, 0.5, rng);
  Dataset rest = all.subset(split.kept), validation = all.subset(split.held_out);
  std::vector<std::size_t> first(60);
  for (std::size_t i = 0; i < first.size(); ++i) first[i] = i;
  Dataset train = rest.subset(first);
  Scaler scaler = Scaler::fit(ScalerKind::kStandard, train);
  scaler.apply(train);
  scaler.apply(validation);

  Network<float> net({train.sample_shape, mlp_layers({256, 256}, "relu", 10)});
  net.initialize(InitScheme::parse("he"), rng);
  auto loss = make_loss<float>("softmax_cross_entropy");
  OptimizerSettings adam;
  adam.lr = 3e-3;
  auto opt = make_optimizer("adam", adam);
  TrainOptions options;
  options.epochs = 200;
  options.batch_size = 16;
  Trainer trainer(net, *loss, *opt, options, rng);
  WeightRecorder recorder(net);
  EarlyStoppingCallback early_stopping(5, Monitor::kValLoss, 0);
  TrainCallback* const callbacks[] = {&recorder, &early_stopping};
  const FitResult fit = trainer.fit({&train, &validation, nullptr}, callbacks);

  ASSERT_TRUE(fit.stopped_early) << "ran " << fit.history.size() << " epochs";
  ASSERT_LT(fit.history.size(), 200u);
  EXPECT_EQ(fit.history.size(), fit.best_epoch + 5);
  // The best epoch has the lowest validation loss of the run...
  for (const auto& e : fit.history) EXPECT_GE(e.val_loss, fit.history[fit.best_epoch - 1].val_loss);
  // ...and its weights are the network's weights now.
  const auto now = net.snapshot();
  const auto& best = recorder.per_epoch[fit.best_epoch - 1];
  for (std::size_t t = 0; t < now.size(); ++t)
    for (std::size_t i = 0; i < now[t].size(); ++i) ASSERT_EQ(now[t][i], best[t][i]);
}

}  // namespace
}  // namespace scratchnet
