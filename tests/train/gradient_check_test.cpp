// The library's gradient checker (train/gradient_check.h): correct float
// layers and networks pass with float-sized errors, a deliberately wrong input
// or parameter gradient is flagged with an error near 1, and the checked layer
// is left as it was (values, gradients, running statistics).

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/dense.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/train/gradient_check.h"
#include "support/expect_error.h"

namespace scratchnet {
namespace {

template <class T>
BasicTensor<T> random_tensor(const Shape& shape, Rng& rng) {
  BasicTensor<T> t(shape);
  for (auto& v : t.span()) v = static_cast<T>(rng.normal());
  return t;
}

std::unique_ptr<Layer<float>> random_layer(const LayerSpec& spec, const Shape& input, Rng& rng) {
  auto layer = make_layer<float>(spec, input);
  for (auto& p : layer->params())
    for (auto& v : p.value->span()) v = static_cast<float>(rng.uniform(0.5, 1.5) * (rng.uniform() < 0.5 ? -1 : 1));
  for (auto& b : layer->buffers())
    for (auto& v : b.value->span()) v = static_cast<float>(rng.uniform(0.5, 1.5));
  return layer;
}

const GradientCheckEntry& entry(const GradientCheckReport& report, const std::string& name) {
  for (const auto& e : report.entries)
    if (e.name == name) return e;
  throw std::runtime_error("no entry " + name);
}

TEST(GradientCheck, CorrectFloatLayersPassAgainstTheirDoubleTwins) {
  const std::vector<std::pair<LayerSpec, Shape>> cases = {
      {{"dense", {{"units", 4}}}, Shape{5}},
      {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"stride", 2}, {"padding", 1}}}, Shape{2, 6, 5}},
      {{"batch_norm", {}}, Shape{2, 3, 3}},
      {{"max_pool2d", {{"size", 2}}}, Shape{2, 4, 4}},
      {{"dropout", {{"rate", 0.4}}}, Shape{7}},
      {{"residual", {{"filters", 3}, {"stride", 2}}}, Shape{2, 5, 5}},
      {{"sigmoid", {}}, Shape{6}},
  };
  for (const auto& [spec, shape] : cases) {
    Rng rng(3);
    auto layer = random_layer(spec, shape, rng);
    const Tensor x = random_tensor<float>(shape.with_batch(3), rng);
    for (Mode mode : {Mode::kTrain, Mode::kEval}) {
      GradientCheckOptions options;
      options.mode = mode;
      const GradientCheckReport report = check_gradients(*layer, x, options);
      EXPECT_EQ(report.entries.front().name, "input") << spec.str();
      EXPECT_EQ(report.entries.size(), 1 + layer->params().size()) << spec.str();
      EXPECT_LT(report.worst_error(), 1e-3) << spec.str();
      for (const auto& e : report.entries) EXPECT_GT(e.checked, 0u) << spec.str() << " " << e.name;
    }
  }
}

TEST(GradientCheck, RepeatedParameterNamesAreMadeUnique) {
  Rng rng(4);
  auto block = random_layer({"residual", {{"filters", 2}, {"stride", 2}}}, Shape{1, 4, 4}, rng);
  const auto report = check_gradients(*block, random_tensor<float>(Shape{2, 1, 4, 4}, rng));
  // main: conv, bn, conv, bn; projection: conv, bn.
  for (const char* name : {"W", "b", "gamma", "beta", "W_2", "beta_2", "W_3", "gamma_3"})
    EXPECT_NO_THROW(entry(report, name)) << name;
}

// Dense with a wrong gradient: dx doubled, or dW off by 0.5 in one place.
template <class T>
class WrongDense final : public LayerBase<T> {
 public:
  WrongDense(const Shape& input, bool wrong_input)
      : LayerBase<T>({"dense", {{"units", 3}}}, input, Shape{3}), inner_(input, this->spec_), wrong_input_(wrong_input) {}
  const BasicTensor<T>& forward(const BasicTensor<T>& x, Mode mode) override { return inner_.forward(x, mode); }
  const BasicTensor<T>& backward(const BasicTensor<T>& grad_y) override {
    dx_ = inner_.backward(grad_y);
    if (wrong_input_) {
      for (auto& v : dx_.span()) v *= 2;
    } else {
      (*inner_.params()[0].grad)[4] += T(0.5);
    }
    return dx_;
  }
  std::vector<Param<T>> params() override { return inner_.params(); }

 private:
  Dense<T> inner_;
  bool wrong_input_;
  BasicTensor<T> dx_;
};

TEST(GradientCheck, FlagsAWrongInputGradientOfAFloatLayer) {
  Rng rng(5);
  WrongDense<float> layer(Shape{4}, true);
  for (auto& p : layer.params()) *p.value = random_tensor<float>(p.value->shape(), rng);
  const auto report = check_gradients(layer, random_tensor<float>(Shape{3, 4}, rng));
  EXPECT_NEAR(entry(report, "input").worst_error, 0.5, 1e-3);  // |2n - n| / 2n
  EXPECT_LT(entry(report, "W").worst_error, 1e-3);
}

TEST(GradientCheck, FlagsAWrongParameterGradientOfADoubleLayerAndNamesIt) {
  Rng rng(6);
  WrongDense<double> layer(Shape{4}, false);
  for (auto& p : layer.params()) *p.value = random_tensor<double>(p.value->shape(), rng);
  const auto report = check_gradients(layer, random_tensor<double>(Shape{3, 4}, rng));
  EXPECT_LT(entry(report, "input").worst_error, 1e-6);
  EXPECT_LT(entry(report, "b").worst_error, 1e-6);
  const auto& w = entry(report, "W");
  EXPECT_GT(w.worst_error, 0.05);
  EXPECT_EQ(w.worst_index, 4u);
  EXPECT_NEAR(w.analytic - w.numeric, 0.5, 1e-6);
}

TEST(GradientCheck, LeavesValuesGradientsAndRunningStatisticsAsTheyWere) {
  Rng rng(8);
  auto layer = random_layer({"batch_norm", {}}, Shape{3}, rng);
  for (auto& p : layer->params()) p.grad->fill(0.25f);
  std::vector<Tensor> before;
  for (auto& p : layer->params()) before.insert(before.end(), {*p.value, *p.grad});
  for (auto& b : layer->buffers()) before.push_back(*b.value);
  check_gradients(*layer, random_tensor<float>(Shape{4, 3}, rng));
  std::size_t i = 0;
  for (auto& p : layer->params()) {
    EXPECT_EQ(p.value->span()[0], before[i++].span()[0]);
    EXPECT_EQ(p.grad->span()[0], before[i++].span()[0]);
  }
  for (auto& b : layer->buffers()) {
    for (std::size_t k = 0; k < b.value->size(); ++k) EXPECT_EQ((*b.value)[k], before[i][k]) << b.name;
    ++i;
  }
}

TEST(GradientCheck, NetworkParametersAreNamedByLayerAndPass) {
  Rng rng(9);
  Network<float> net({Shape{1, 6, 6},
                      {{"conv2d", {{"filters", 2}, {"kernel", 3}}},
                       {"batch_norm", {}},
                       {"relu", {}},
                       {"flatten", {}},
                       {"dense", {{"units", 3}}}}});
  net.initialize(InitScheme(InitScheme::Kind::kHeNormal), rng);
  GradientCheckOptions options;
  options.max_values = 10;
  const auto report = check_gradients(net, random_tensor<float>(Shape{4, 1, 6, 6}, rng), options);
  ASSERT_EQ(report.entries.size(), 6u);
  EXPECT_EQ(report.entries[0].name, "0.W");
  EXPECT_EQ(report.entries[3].name, "1.beta");
  EXPECT_EQ(report.entries[5].name, "4.b");
  EXPECT_EQ(report.entries[0].checked, 10u);
  EXPECT_LT(report.worst_error(), 1e-3);
}

TEST(GradientCheck, ABadInputShapeIsAUsageError) {
  Rng rng(10);
  auto layer = random_layer({"dense", {{"units", 2}}}, Shape{4}, rng);
  testing::expect_error([&] { check_gradients(*layer, Tensor(Shape{2, 5})); }, ErrorKind::kUsage,
                        {"samples of shape (4)", "(2, 5)"});
}

}  // namespace
}  // namespace scratchnet
