// Whole networks plus their loss against finite differences (double
// precision): the layer contract test checks each layer alone; this checks
// that Network chains them (the gradient each layer receives is the next
// one's input gradient, the skipped input gradient of the first layer loses
// nothing, parameters are listed with the right gradients) and that the
// loss's gradient is that of the mean over the batch.

#include <string>

#include <gtest/gtest.h>

#include "scratchnet/losses/loss.h"
#include "scratchnet/train/network.h"
#include "support/gradient_check.h"

namespace scratchnet {
namespace {

struct NetworkCase {
  std::string name;
  Architecture architecture;
  std::string loss;
  std::size_t outputs;
};

// dL/dparam of loss(network(x), targets) in train mode, each parameter
// against central differences (dropout's mask frozen by reseeding).
void check_network(const NetworkCase& c) {
  Rng rng(17);
  Network<double> net(c.architecture);
  net.initialize(InitScheme(InitScheme::Kind::kXavierNormal), rng);
  for (const auto& p : net.params()) testing::fill_away_from_zero(*p.value, rng);
  for (auto& p : net.params())
    for (auto& v : p.value->span()) v *= 0.5;  // keeps the activations out of saturation
  const std::size_t batch = 5;
  BasicTensor<double> x(c.architecture.input_shape.with_batch(batch));
  testing::fill_away_from_zero(x, rng);
  std::vector<std::int32_t> labels;
  BasicTensor<double> values(Shape{batch, c.outputs});
  for (std::size_t i = 0; i < batch; ++i)
    labels.push_back(static_cast<std::int32_t>(rng.below(c.outputs)));
  for (auto& v : values.span()) v = rng.uniform(-1, 1);
  const Targets<double> targets{labels, c.loss == "mse" ? &values : nullptr};
  auto loss = make_loss<double>(c.loss);

  auto objective = [&] {
    net.reseed(testing::kFrozenSeed);
    return loss->forward(net.forward(x, Mode::kTrain), targets);
  };
  net.zero_grad();
  objective();
  net.backward(loss->backward());
  std::vector<BasicTensor<double>> analytic;
  for (const auto& p : net.params()) analytic.push_back(*p.grad);

  std::size_t checked = 0;
  const auto& params = net.params();
  for (std::size_t p = 0; p < params.size(); ++p)
    for (std::size_t i = 0; i < params[p].value->size(); ++i) {
      double& v = (*params[p].value)[i];
      const double saved = v;
      v = saved + testing::kStep;
      const double up = objective();
      v = saved - testing::kStep;
      const double down = objective();
      v = saved;
      const double numeric = (up - down) / (2 * testing::kStep);
      ++checked;
      EXPECT_TRUE(testing::close(analytic[p][i], numeric))
          << c.name << ": parameter " << p << " (" << params[p].name << ")[" << i << "]: analytic "
          << analytic[p][i] << " numeric " << numeric;
    }
  EXPECT_EQ(checked, net.parameter_count()) << c.name;
}

TEST(NetworkGradient, ConvolutionalClassifierWithSoftmaxCrossEntropy) {
  check_network({"cnn",
                 {Shape{2, 8, 7},
                  {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"padding", 1}}},
                   {"batch_norm", {}},
                   {"relu", {}},
                   {"max_pool2d", {{"size", 2}}},
                   {"residual", {{"filters", 4}, {"stride", 2}}},
                   {"avg_pool2d", {{"size", 2}}},
                   {"flatten", {}},
                   {"dense", {{"units", 6}}},
                   {"tanh", {}},
                   {"dropout", {{"rate", 0.3}}},
                   {"dense", {{"units", 3}}}}},
                 "softmax_cross_entropy",
                 3});
}

TEST(NetworkGradient, MlpRegressionWithMeanSquaredError) {
  check_network({"mlp",
                 {Shape{4},
                  {{"dense", {{"units", 7}}},
                   {"batch_norm", {}},
                   {"sigmoid", {}},
                   {"dense", {{"units", 5}}},
                   {"leaky_relu", {{"alpha", 0.1}}},
                   {"dropout", {{"rate", 0.2}}},
                   {"dense", {{"units", 2}}}}},
                 "mse",
                 2});
}

}  // namespace
}  // namespace scratchnet
