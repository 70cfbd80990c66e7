// The README's library example: train an MLP on the bundled digits and print
// its test accuracy. Built as `build/examples/train_digits` and run by ctest.

#include <cstdio>

#include "scratchnet/data/builtin.h"
#include "scratchnet/data/scaler.h"
#include "scratchnet/data/split.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/adam.h"
#include "scratchnet/train/trainer.h"

using namespace scratchnet;

int main() {
  DataOptions digits;
  digits.source = "digits";
  Dataset all = load_dataset(digits);
  Rng rng(42);
  SplitIndices split = split_dataset(all, 0.25, rng);
  Dataset train = all.subset(split.kept), test = all.subset(split.held_out);
  Scaler scaler = Scaler::fit(ScalerKind::kStandard, train);  // fitted on train only
  scaler.apply(train);
  scaler.apply(test);

  Network<float> net({train.sample_shape, mlp_layers({100, 50}, "relu", all.num_outputs())});
  net.initialize(InitScheme::parse("he"), rng);
  auto loss = make_loss<float>("softmax_cross_entropy");
  Adam adam(AdamOptions{.lr = 1e-3});
  TrainOptions options;
  options.epochs = 30;
  options.batch_size = 32;
  Trainer trainer(net, *loss, adam, options, rng);
  trainer.fit({.train = &train, .validation = nullptr, .test = &test}, /*callbacks=*/{});
  const double accuracy = trainer.evaluate(test).accuracy;
  std::printf("test accuracy %.4f\n", accuracy);
  return accuracy > 0.9 ? 0 : 1;
}
