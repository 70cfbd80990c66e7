// Every registered layer: finite-difference gradients (double precision, train
// and eval mode, every parameter random), backward accumulates into parameter
// gradients, forward leaves its input alone, eval mode is deterministic. The
// case table must cover every registered type: adding a layer without a case
// fails here.

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"
#include "support/gradient_check.h"
#include "support/layer_cases.h"

namespace scratchnet {
namespace {

using testing::LayerCase;
using testing::layer_cases;

std::unique_ptr<Layer<double>> build(const LayerCase& c, Rng& rng) {
  auto layer = make_layer<double>(c.spec, c.input);
  layer->initialize(InitScheme(InitScheme::Kind::kXavierNormal), rng);
  // Every parameter random (biases non-zero, batch norm's gamma away from 1
  // and beta from 0, also inside residual blocks), so a backward that forgets
  // one of them cannot pass; running statistics random for eval mode.
  for (auto& p : layer->params()) testing::fill_away_from_zero(*p.value, rng);
  for (auto& b : layer->buffers())
    for (auto& v : b.value->span()) v = rng.uniform(0.5, 1.5);
  return layer;
}

BasicTensor<double> random_input(const Shape& sample, std::size_t n, Rng& rng) {
  BasicTensor<double> x(sample.with_batch(n));
  testing::fill_away_from_zero(x, rng);
  return x;
}

TEST(LayerRegistry, EveryRegisteredLayerHasAGradientCase) {
  std::set<std::string> covered;
  for (const auto& c : layer_cases()) covered.insert(c.spec.type);
  for (const auto& type : registered_layer_types())
    EXPECT_TRUE(covered.count(type)) << "layer type '" << type
                                     << "' is registered but has no case in layer_cases()";
}

TEST(LayerRegistry, UnknownTypeIsAUsageErrorListingKnownTypes) {
  try {
    make_layer<float>({"convolution9", {}}, Shape{3});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("dense"), std::string::npos) << e.what();
  }
}

class LayerContract : public ::testing::TestWithParam<std::size_t> {};

TEST_P(LayerContract, GradientsMatchFiniteDifferences) {
  const LayerCase& c = layer_cases()[GetParam()];
  Rng rng(7);
  auto layer = build(c, rng);
  const auto bad = testing::check_layer_gradients(*layer, random_input(c.input, 3, rng), rng);
  for (const auto& m : bad)
    ADD_FAILURE() << c.spec.str() << " " << m.where << ": analytic " << m.analytic << " numeric "
                  << m.numeric;
}

TEST_P(LayerContract, EvalModeGradientsMatchFiniteDifferences) {
  // Eval mode differentiates another forward (batch norm's running statistics
  // are constants, dropout is the identity).
  const LayerCase& c = layer_cases()[GetParam()];
  Rng rng(9);
  auto layer = build(c, rng);
  const auto bad = testing::check_layer_gradients(*layer, random_input(c.input, 3, rng), rng, Mode::kEval);
  for (const auto& m : bad)
    ADD_FAILURE() << c.spec.str() << " " << m.where << ": analytic " << m.analytic << " numeric "
                  << m.numeric;
}

TEST_P(LayerContract, BackwardAddsIntoParameterGradients) {
  const LayerCase& c = layer_cases()[GetParam()];
  Rng rng(11);
  auto layer = build(c, rng);
  const auto x = random_input(c.input, 2, rng);
  layer->reseed(testing::kFrozenSeed);
  const auto& y = layer->forward(x, Mode::kTrain);
  // A random upstream gradient: with a constant one, batch norm's dgamma is 0
  // and "adds, not overwrites" could not fail.
  BasicTensor<double> dy(y.shape());
  testing::fill_away_from_zero(dy, rng);
  for (auto& p : layer->params()) p.grad->zero();
  layer->backward(dy);
  std::vector<BasicTensor<double>> once;
  for (auto& p : layer->params()) once.push_back(*p.grad);
  layer->reseed(testing::kFrozenSeed);
  layer->forward(x, Mode::kTrain);
  layer->backward(dy);
  auto params = layer->params();
  for (std::size_t p = 0; p < params.size(); ++p)
    for (std::size_t i = 0; i < once[p].size(); ++i)
      EXPECT_NEAR((*params[p].grad)[i], 2 * once[p][i], 1e-12) << params[p].name << "[" << i << "]";
}

TEST_P(LayerContract, ForwardLeavesInputUnchangedAndEvalIsDeterministic) {
  const LayerCase& c = layer_cases()[GetParam()];
  Rng rng(13);
  auto layer = build(c, rng);
  const auto x = random_input(c.input, 4, rng);
  const auto copy = x;
  const BasicTensor<double> y1 = layer->forward(x, Mode::kEval);
  const BasicTensor<double> y2 = layer->forward(x, Mode::kEval);
  for (std::size_t i = 0; i < x.size(); ++i) ASSERT_EQ(x[i], copy[i]);
  ASSERT_EQ(y1.shape(), layer->output_shape().with_batch(4));
  for (std::size_t i = 0; i < y1.size(); ++i) ASSERT_EQ(y1[i], y2[i]);
}

TEST_P(LayerContract, TrainModeTreatsSamplesApartUnlessBatchCoupled) {
  // A batch-parallel step (train/batch_parallel.h) runs a layer per share of
  // the batch unless its type says batch_coupled: then its train-mode output
  // and input gradient for a row must not depend on the other rows, nor on
  // draws made for them. Two halves through the layer must give the whole
  // batch's rows; a layer marked batch_coupled must not (else the mark only
  // costs speed).
  const LayerCase& c = layer_cases()[GetParam()];
  const bool coupled = layer_type(c.spec.type).batch_coupled;
  Rng rng(17);
  auto layer = build(c, rng);
  const auto x = random_input(c.input, 4, rng);
  const BasicTensor<double> y = layer->forward(x, Mode::kTrain);
  BasicTensor<double> dy(y.shape());
  testing::fill_away_from_zero(dy, rng);
  const BasicTensor<double> dx = layer->backward(dy);
  const std::size_t in_row = x.size() / 4, out_row = y.size() / 4;
  double largest_difference = 0;
  for (std::size_t half = 0; half < 2; ++half) {
    BasicTensor<double> xh(c.input.with_batch(2)), dyh(layer->output_shape().with_batch(2));
    std::copy_n(x.data() + half * 2 * in_row, 2 * in_row, xh.data());
    std::copy_n(dy.data() + half * 2 * out_row, 2 * out_row, dyh.data());
    const BasicTensor<double> yh = layer->forward(xh, Mode::kTrain);
    for (std::size_t i = 0; i < yh.size(); ++i) {
      largest_difference = std::max(largest_difference, std::abs(yh[i] - y[half * 2 * out_row + i]));
      if (!coupled) {
        ASSERT_NEAR(yh[i], y[half * 2 * out_row + i], 1e-12) << "output of half " << half << " [" << i << "]";
      }
    }
    const BasicTensor<double> dxh = layer->backward(dyh);
    for (std::size_t i = 0; i < dxh.size(); ++i) {
      largest_difference = std::max(largest_difference, std::abs(dxh[i] - dx[half * 2 * in_row + i]));
      if (!coupled) {
        ASSERT_NEAR(dxh[i], dx[half * 2 * in_row + i], 1e-12) << "input gradient of half " << half << " [" << i << "]";
      }
    }
  }
  if (coupled) {
    EXPECT_GT(largest_difference, 1e-9) << c.spec.type << " is marked batch_coupled but treats the samples apart";
  }
}

INSTANTIATE_TEST_SUITE_P(AllLayers, LayerContract,
                         ::testing::Range<std::size_t>(0, layer_cases().size()),
                         [](const auto& param_info) {
                           const auto& c = layer_cases()[param_info.param];
                           return c.spec.type + "_" + std::to_string(param_info.param);
                         });

TEST(Dense, RejectsNonPositiveUnits) {
  EXPECT_THROW(make_layer<float>({"dense", {{"units", 0}}}, Shape{3}), Error);
  EXPECT_THROW(make_layer<float>({"dense", {}}, Shape{3}), Error);
}

TEST(Dense, ComputesAffineMap) {
  auto layer = make_layer<float>({"dense", {{"units", 2}}}, Shape{3});
  auto params = layer->params();
  // W = [[1, 2], [3, 4], [5, 6]], b = [0.5, -1]
  const float w[] = {1, 2, 3, 4, 5, 6};
  std::copy(w, w + 6, params[0].value->data());
  (*params[1].value)[0] = 0.5f;
  (*params[1].value)[1] = -1.0f;
  Tensor x(Shape{1, 3});
  x[0] = 1;
  x[1] = 0;
  x[2] = -1;
  const Tensor& y = layer->forward(x, Mode::kEval);
  EXPECT_FLOAT_EQ(y[0], 1 - 5 + 0.5f);
  EXPECT_FLOAT_EQ(y[1], 2 - 6 - 1.0f);
}

}  // namespace
}  // namespace scratchnet
