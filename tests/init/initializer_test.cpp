// The initialisers: the variance each scheme gives, with fan-in = inputs of
// a dense layer and C * k * k for a convolution (fan-out units or filters *
// k * k), zero biases, batch norm's unit scale, the parsing of scheme names,
// and what `auto` picks for the layer after each weight layer.
//
// Sample variances over n >= 18,000 weights are within 1% (one standard
// error, sqrt(2 / n)) of the true one; the tolerance is 5%. He and Xavier
// differ by 2x for the square layers used here, so either is told apart.

#include <cmath>
#include <string>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"
#include "scratchnet/train/network.h"

namespace scratchnet {
namespace {

struct Moments {
  double mean = 0, variance = 0, largest = 0;
};

Moments moments_of(const Tensor& t) {
  Moments m;
  for (float v : t.span()) m.mean += v;
  m.mean /= static_cast<double>(t.size());
  for (float v : t.span()) {
    m.variance += (v - m.mean) * (v - m.mean);
    m.largest = std::max(m.largest, std::abs(static_cast<double>(v)));
  }
  m.variance /= static_cast<double>(t.size() - 1);
  return m;
}

// Checks `layer`'s weights against a distribution of variance `variance`
// (uniform within `limit` when given) and its biases for zero.
void expect_initialised(Layer<float>& layer, double variance, const std::string& what,
                        double limit = 0) {
  for (const auto& p : layer.params()) {
    const Moments m = moments_of(*p.value);
    if (p.name == "b") {
      EXPECT_EQ(m.largest, 0) << what << ": biases start at zero";
      continue;
    }
    EXPECT_NEAR(m.variance, variance, 0.05 * variance) << what;
    EXPECT_LT(std::abs(m.mean), 4 * std::sqrt(variance / static_cast<double>(p.value->size())))
        << what;
    if (limit > 0) {
      EXPECT_LE(m.largest, limit) << what;
      EXPECT_GT(m.largest, 0.99 * limit) << what;
    }
  }
}

// A 3x3 convolution of 64 filters on 32 channels: fan-in 32 * 9 = 288, fan-out 64 * 9 = 576.
constexpr double kConvIn = 288, kConvOut = 576;
std::unique_ptr<Layer<float>> conv() {
  return make_layer<float>({"conv2d", {{"filters", 64}, {"kernel", 3}, {"padding", 1}}},
                           Shape{32, 6, 6});
}
// A dense layer of 300 inputs and 200 units.
constexpr double kDenseIn = 300, kDenseOut = 200;
std::unique_ptr<Layer<float>> dense() {
  return make_layer<float>({"dense", {{"units", 200}}}, Shape{300});
}

TEST(Initializer, EachSchemeHasItsVarianceWithConvolutionFanInCkk) {
  Rng rng(1);
  struct Expect {
    std::string scheme;
    double conv_variance, dense_variance, conv_limit, dense_limit;
  };
  const Expect table[] = {
      {"he", 2 / kConvIn, 2 / kDenseIn, 0, 0},
      {"he_uniform", 6 / kConvIn / 3, 6 / kDenseIn / 3, std::sqrt(6 / kConvIn),
       std::sqrt(6 / kDenseIn)},
      {"xavier", 2 / (kConvIn + kConvOut), 2 / (kDenseIn + kDenseOut), 0, 0},
      {"xavier_uniform", 6 / (kConvIn + kConvOut) / 3, 6 / (kDenseIn + kDenseOut) / 3,
       std::sqrt(6 / (kConvIn + kConvOut)), std::sqrt(6 / (kDenseIn + kDenseOut))},
      {"normal:0.05", 0.0025, 0.0025, 0, 0},
      {"normal", 1e-4, 1e-4, 0, 0},
      {"uniform:0.2", 0.04 / 3, 0.04 / 3, 0.2, 0.2},
  };
  for (const Expect& e : table) {
    const InitScheme scheme = InitScheme::parse(e.scheme);
    auto c = conv();
    c->initialize(scheme, rng);
    expect_initialised(*c, e.conv_variance, e.scheme + " conv2d", e.conv_limit);
    auto d = dense();
    d->initialize(scheme, rng);
    expect_initialised(*d, e.dense_variance, e.scheme + " dense", e.dense_limit);
  }
}

TEST(Initializer, SameSeedSameWeights) {
  auto a = dense(), b = dense();
  Rng r1(5), r2(5);
  a->initialize(InitScheme::parse("he"), r1);
  b->initialize(InitScheme::parse("he"), r2);
  const Tensor& wa = *a->params()[0].value;
  const Tensor& wb = *b->params()[0].value;
  for (std::size_t i = 0; i < wa.size(); ++i) ASSERT_EQ(wa[i], wb[i]);
}

TEST(Initializer, NamesAndBadNames) {
  EXPECT_EQ(InitScheme::parse("he").str(), "he_normal");
  EXPECT_EQ(InitScheme::parse("xavier").str(), "xavier_normal");
  EXPECT_EQ(InitScheme::parse("normal:0.01").str(), "normal:0.01");
  EXPECT_EQ(InitScheme::parse("auto").kind(), InitScheme::Kind::kAuto);
  for (const char* bad : {"kaiming", "normal:0", "normal:-1", "normal:x", "uniform:"}) {
    try {
      InitScheme::parse(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kUsage) << bad;
    }
  }
  Tensor w(Shape{3, 3});
  Rng rng(1);
  EXPECT_THROW(InitScheme().fill(w, 3, 3, rng), Error) << "auto must be resolved by the network";
}

TEST(Initializer, AutoPicksHeBeforeReluFamilyAndXavierOtherwise) {
  // Square layers (fan-in = fan-out = 256), so He's variance is twice Xavier's.
  constexpr double kHe = 2.0 / 256, kXavier = 2.0 / 512;
  Network<float> net({Shape{256},
                      {{"dense", {{"units", 256}}},
                       {"relu", {}},
                       {"dense", {{"units", 256}}},
                       {"leaky_relu", {{"alpha", 0.1}}},
                       {"dense", {{"units", 256}}},
                       {"tanh", {}},
                       {"dense", {{"units", 256}}},
                       {"sigmoid", {}},
                       {"dense", {{"units", 256}}}}});
  Rng rng(3);
  net.initialize(InitScheme::parse("auto"), rng);
  expect_initialised(net.layer(0), kHe, "dense before relu");
  expect_initialised(net.layer(2), kHe, "dense before leaky_relu");
  expect_initialised(net.layer(4), kXavier, "dense before tanh");
  expect_initialised(net.layer(6), kXavier, "dense before sigmoid");
  expect_initialised(net.layer(8), kXavier, "the output layer");

  // Convolutions: He before ReLU with fan-in C * k * k; residual blocks feed ReLUs (He).
  Network<float> cnn({Shape{32, 6, 6},
                      {{"conv2d", {{"filters", 64}, {"kernel", 3}, {"padding", 1}}},
                       {"relu", {}},
                       {"conv2d", {{"filters", 64}, {"kernel", 3}, {"padding", 1}}},
                       {"tanh", {}},
                       {"residual", {{"filters", 64}}}}});
  cnn.initialize(InitScheme::parse("auto"), rng);
  expect_initialised(cnn.layer(0), 2 / kConvIn, "conv2d before relu");
  expect_initialised(cnn.layer(2), 2 / (64.0 * 9 + 64.0 * 9), "conv2d before tanh");
  for (const auto& p : cnn.layer(4).params()) {
    const Moments m = moments_of(*p.value);
    if (p.name == "W") {
      EXPECT_NEAR(m.variance, 2 / (64.0 * 9), 0.05 * 2 / (64.0 * 9)) << "residual conv";
    } else if (p.name == "gamma") {
      EXPECT_EQ(m.mean, 1);
      EXPECT_EQ(m.variance, 0);
    } else {
      EXPECT_EQ(m.largest, 0) << p.name << " starts at zero";
    }
  }
}

}  // namespace
}  // namespace scratchnet
