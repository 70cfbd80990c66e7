// Every registered layer in float (the kernels training runs on) against the
// same layer in double (plain loops and dgemm, whose gradients the layer
// contract test checks against finite differences): forward, input gradient,
// parameter gradients and running statistics, train and eval mode, once per
// instruction set of the float kernels (generic = OpenBLAS + plain loops,
// avx2, avx512), on shapes that reach the float fast paths:
//   dense      batch 13 x 300 inputs x 70 units: full and partial 6-row
//              tiles, a 64-column tile plus a masked tail, depth > 256 (a
//              second pass adding to the first); batch 2 x 130 units: the
//              wide tiles for one or two rows; dW (TN) and dx (NT) likewise
//   conv2d     stride 1 on 9x20 images with padding: vectorised im2col and
//              col2im (two 16-column blocks, the second masked) and the
//              batched dW product (180 positions: 11 blocks of 16 + a tail);
//              stride 2 and a 1x1 kernel take the plain loops
//   max_pool2d 2x2 at stride 2 on 7x37 images: the vectorised kernel (18
//              outputs a row: a block of 16 and a masked one; the odd last
//              row and column are dropped)
//   residual   identity and projection shortcuts (convolutions at stride 1
//              and 2, batch norm)
// Both layers get the same values (the double ones rounded to float), so the
// difference is the float arithmetic: within 1e-5 + 2e-5 of the tensor's
// largest magnitude + 2e-5 relative (the absolute term for gradients that are
// 0 in exact arithmetic: a convolution bias before batch norm gets float
// rounding, ~1e-6). A wrong tile, mask or index is off by O(1).

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/kernels.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/registry.h"
#include "support/layer_cases.h"

namespace scratchnet {
namespace {

struct FastPathCase {
  LayerSpec spec;
  Shape input;  // sample shape
  std::size_t batch;
};

// Shapes that reach the float fast paths (GEMM tiles and tails, depth > 256,
// vectorised im2col/col2im, 2x2 max-pool), then every layer case of the
// contract (support/layer_cases.h, which covers every registered type).
const std::vector<FastPathCase>& cases() {
  static const std::vector<FastPathCase> all = [] {
    std::vector<FastPathCase> v = {
      {{"dense", {{"units", 70}}}, Shape{300}, 13},
      {{"dense", {{"units", 130}}}, Shape{40}, 2},
      {{"dense", {{"units", 3}}}, Shape{17}, 5},
      {{"sigmoid", {}}, Shape{37}, 3},
      {{"tanh", {}}, Shape{37}, 3},
      {{"relu", {}}, Shape{37}, 3},
      {{"leaky_relu", {{"alpha", 0.1}}}, Shape{37}, 3},
      {{"identity", {}}, Shape{37}, 3},
      {{"softmax", {}}, Shape{21}, 4},
      {{"batch_norm", {}}, Shape{19}, 9},
      {{"batch_norm", {}}, Shape{3, 5, 7}, 4},
      {{"dropout", {{"rate", 0.4}}}, Shape{37}, 3},
      {{"conv2d", {{"filters", 5}, {"kernel", 3}, {"padding", 1}}}, Shape{3, 9, 20}, 2},
      {{"conv2d", {{"filters", 4}, {"kernel", 5}, {"padding", 2}}}, Shape{2, 6, 33}, 2},
      {{"conv2d", {{"filters", 3}, {"kernel", 3}, {"stride", 2}, {"padding", 1}}},
       Shape{2, 9, 20},
       2},
      {{"conv2d", {{"filters", 4}, {"kernel", 1}}}, Shape{3, 5, 18}, 2},
      {{"max_pool2d", {{"size", 2}}}, Shape{3, 7, 37}, 2},
      {{"max_pool2d", {{"size", 2}}}, Shape{2, 8, 8}, 3},
      {{"max_pool2d", {{"size", 3}, {"stride", 2}}}, Shape{2, 9, 20}, 2},
      {{"avg_pool2d", {{"size", 2}}}, Shape{3, 7, 37}, 2},
      {{"avg_pool2d", {{"size", 3}, {"stride", 1}}}, Shape{2, 6, 19}, 2},
      {{"flatten", {}}, Shape{2, 3, 5}, 3},
      {{"residual", {{"filters", 4}}}, Shape{4, 6, 18}, 3},
      {{"residual", {{"filters", 6}, {"stride", 2}}}, Shape{3, 9, 20}, 2},
    };
    for (const testing::LayerCase& c : testing::layer_cases()) v.push_back({c.spec, c.input, 3});
    return v;
  }();
  return all;
}

double to_float_and_back(double v) { return static_cast<double>(static_cast<float>(v)); }

// Random values for `d`, rounded to float, and the same values into `f`.
void random_pair(BasicTensor<double>& d, Tensor& f, Rng& rng, double low, double high) {
  f.resize(d.shape());
  for (std::size_t i = 0; i < d.size(); ++i) {
    d[i] = to_float_and_back(rng.uniform(low, high));
    f[i] = static_cast<float>(d[i]);
  }
}

void copy_into(const BasicTensor<double>& d, Tensor& f) {
  for (std::size_t i = 0; i < d.size(); ++i) f[i] = static_cast<float>(d[i]);
}

// Appends a failure per element outside the tolerance (at most 3 per tensor).
void expect_close(const Tensor& f, const BasicTensor<double>& d, const std::string& what) {
  ASSERT_EQ(f.shape(), d.shape()) << what;
  double scale = 0;
  for (double v : d.span()) scale = std::max(scale, std::abs(v));
  int reported = 0;
  for (std::size_t i = 0; i < d.size() && reported < 3; ++i) {
    const double diff = std::abs(static_cast<double>(f[i]) - d[i]);
    if (diff > 1e-5 + 2e-5 * scale + 2e-5 * std::abs(d[i])) {
      ADD_FAILURE() << what << "[" << i << "]: float " << f[i] << ", double " << d[i]
                    << " (largest magnitude " << scale << ")";
      ++reported;
    }
  }
}

// Runs each test under one instruction set of the float kernels, then
// restores the start-up choice.
class FloatAgainstDouble : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    saved_ = kernel_isa();
    if (!set_kernel_isa(GetParam())) GTEST_SKIP() << GetParam() << " not available on this CPU";
  }
  void TearDown() override { set_kernel_isa(saved_); }
  std::string saved_;
};


TEST_P(FloatAgainstDouble, EveryLayerForwardAndBackward) {
  Rng rng(2024);
  for (const FastPathCase& c : cases()) {
    const std::string name = c.spec.str() + " on " + c.input.str();
    auto d = make_layer<double>(c.spec, c.input);
    auto f = make_layer<float>(c.spec, c.input);
    d->initialize(InitScheme(InitScheme::Kind::kXavierNormal), rng);
    // Weights keep their Xavier scale; every other parameter (biases, batch
    // norm's gamma and beta) and the running statistics are random.
    auto dp = d->params();
    auto fp = f->params();
    ASSERT_EQ(dp.size(), fp.size()) << name;
    for (std::size_t p = 0; p < dp.size(); ++p) {
      if (dp[p].name == "W") {
        for (auto& v : dp[p].value->span()) v = to_float_and_back(v);
        copy_into(*dp[p].value, *fp[p].value);
      } else {
        random_pair(*dp[p].value, *fp[p].value, rng, -1.5, 1.5);
      }
    }
    auto db = d->buffers();
    auto fb = f->buffers();
    ASSERT_EQ(db.size(), fb.size()) << name;
    for (std::size_t b = 0; b < db.size(); ++b)
      random_pair(*db[b].value, *fb[b].value, rng, 0.5, 2);

    BasicTensor<double> xd(c.input.with_batch(c.batch));
    Tensor xf;
    random_pair(xd, xf, rng, -2, 2);
    for (Mode mode : {Mode::kTrain, Mode::kEval}) {
      const std::string what = name + (mode == Mode::kTrain ? " train " : " eval ");
      for (auto& p : dp) p.grad->zero();
      for (auto& p : fp) p.grad->zero();
      d->reseed(77);
      f->reseed(77);
      const BasicTensor<double>& yd = d->forward(xd, mode);
      const Tensor& yf = f->forward(xf, mode);
      expect_close(yf, yd, what + "y");
      BasicTensor<double> dyd(yd.shape());
      Tensor dyf;
      random_pair(dyd, dyf, rng, -1, 1);
      expect_close(f->backward(dyf), d->backward(dyd), what + "dx");
      for (std::size_t p = 0; p < dp.size(); ++p)
        expect_close(*fp[p].grad, *dp[p].grad, what + "d" + dp[p].name + std::to_string(p));
      for (std::size_t b = 0; b < db.size(); ++b)
        expect_close(*fb[b].value, *db[b].value, what + db[b].name + std::to_string(b));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Isa, FloatAgainstDouble, ::testing::Values("generic", "avx2", "avx512"));

}  // namespace
}  // namespace scratchnet
