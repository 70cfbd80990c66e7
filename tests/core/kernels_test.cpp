// The float kernels of every instruction set this CPU runs (avx512, avx2)
// against independent references: matrix products against a double-precision
// triple loop, the image and pooling kernels against the plain loops of the
// "generic" set (bit for bit: same operations in the same order), the
// activations and e^x against std:: functions (within 1e-6 relative), the
// optimizer rules against the plain loops. Plus: the same numbers with 1 and
// 2 threads, and layers skipping their unused input gradient.

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "scratchnet/core/kernels.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/conv2d.h"
#include "scratchnet/layers/max_pool2d.h"
#include "scratchnet/train/network.h"

namespace scratchnet {
namespace {

std::vector<float> random_values(std::size_t n, std::uint64_t seed, double low = -2,
                                 double high = 2) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform(low, high));
  return v;
}

// Runs each test once per vectorised instruction set the CPU has, then
// restores the start-up choice and one thread.
class Kernels : public ::testing::TestWithParam<const char*> {
 protected:
  void SetUp() override {
    saved_ = kernel_isa();
    if (!set_kernel_isa(GetParam())) GTEST_SKIP() << GetParam() << " not available on this CPU";
  }
  void TearDown() override {
    set_kernel_isa(saved_);
    set_num_threads(1);
  }
  // Runs f under the generic (plain loop) kernels, then switches back.
  template <class F>
  void generic(F f) {
    ASSERT_TRUE(set_kernel_isa("generic"));
    f();
    ASSERT_TRUE(set_kernel_isa(GetParam()));
  }
  std::string saved_;
};

INSTANTIATE_TEST_SUITE_P(Isa, Kernels, ::testing::Values("avx2", "avx512"));

double reference_product(Trans ta, Trans tb, const std::vector<float>& a, std::size_t lda,
                         const std::vector<float>& b, std::size_t ldb, std::size_t i, std::size_t j,
                         std::size_t k) {
  double sum = 0;
  for (std::size_t p = 0; p < k; ++p) {
    const double x = ta == Trans::kNo ? a[i * lda + p] : a[p * lda + i];
    const double y = tb == Trans::kNo ? b[p * ldb + j] : b[j * ldb + p];
    sum += x * y;
  }
  return sum;
}

TEST_P(Kernels, GemmMatchesDoublePrecisionReferenceForEveryLayoutAndEdgeShape) {
  const std::size_t sizes_m[] = {1, 2, 3, 5, 6, 7, 13, 64};
  const std::size_t sizes_n[] = {1, 10, 16, 17, 63, 64, 65, 130};
  const std::size_t sizes_k[] = {0, 1, 7, 16, 33};
  std::uint64_t seed = 1;
  for (Trans ta : {Trans::kNo, Trans::kYes})
    for (Trans tb : {Trans::kNo, Trans::kYes})
      for (std::size_t m : sizes_m)
        for (std::size_t n : sizes_n)
          for (std::size_t k : sizes_k)
            for (float beta : {0.0f, 1.0f, 0.5f}) {
              // Leading dimensions larger than the matrices, to catch stride mix-ups.
              const std::size_t lda = (ta == Trans::kNo ? k : m) + 3,
                                ldb = (tb == Trans::kNo ? n : k) + 2;
              const std::size_t ldc = n + 5;
              const auto a = random_values((ta == Trans::kNo ? m : k) * lda + 1, seed++);
              const auto b = random_values((tb == Trans::kNo ? k : n) * ldb + 1, seed++);
              auto c = random_values(m * ldc, seed++);
              if (beta == 0.0f) c.assign(c.size(), std::numeric_limits<float>::quiet_NaN());
              const auto c0 = c;
              const float alpha = k % 2 ? 1.0f : -0.75f;
              gemm<float>(ta, tb, m, n, k, alpha, a.data(), lda, b.data(), ldb, beta, c.data(),
                          ldc);
              for (std::size_t i = 0; i < m; ++i)
                for (std::size_t j = 0; j < ldc; ++j) {
                  if (j >= n) {  // outside the matrix: untouched
                    ASSERT_TRUE(std::isnan(c0[i * ldc + j]) ? std::isnan(c[i * ldc + j])
                                                            : c[i * ldc + j] == c0[i * ldc + j]);
                    continue;
                  }
                  const double old =
                      beta == 0.0f ? 0.0 : beta * static_cast<double>(c0[i * ldc + j]);
                  const double want =
                      alpha * reference_product(ta, tb, a, lda, b, ldb, i, j, k) + old;
                  ASSERT_NEAR(c[i * ldc + j], want, 1e-5 * (1 + static_cast<double>(k)))
                      << "m " << m << " n " << n << " k " << k << " beta " << beta << " ta "
                      << (ta == Trans::kYes) << " tb " << (tb == Trans::kYes);
                }
            }
}

TEST_P(Kernels, GemmGivesTheSameNumbersWithOneAndTwoThreads) {
  // Both shapes are split over the threads when there are two: a large
  // product (40M multiply-adds) and a thin one (one row of A, as in
  // single-sample inference, with 200k values of B).
  struct Shape3 {
    std::size_t m, n, k;
  };
  for (const Shape3 s : {Shape3{600, 257, 257}, Shape3{1, 256, 784}}) {
    const std::size_t m = s.m, n = s.n, k = s.k;
    const auto a = random_values(m * k, 7), b = random_values(k * n, 8);
    for (Trans ta : {Trans::kNo, Trans::kYes})
      for (Trans tb : {Trans::kNo, Trans::kYes}) {
        std::vector<float> one(m * n), two(m * n);
        const std::size_t lda = ta == Trans::kNo ? k : m, ldb = tb == Trans::kNo ? n : k;
        set_num_threads(1);
        gemm<float>(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, one.data(), n);
        set_num_threads(2);
        gemm<float>(ta, tb, m, n, k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f, two.data(), n);
        set_num_threads(1);
        EXPECT_EQ(one, two) << m << "x" << n << "x" << k;
      }
  }
}

TEST_P(Kernels, GemmNtAccumulateAddsTheBatchOfProducts) {
  for (std::size_t batch : {1, 3})
    for (std::size_t m : {1, 6, 7, 16})
      for (std::size_t n : {1, 4, 25, 30})
        for (std::size_t k : {1, 15, 16, 100}) {
          const std::size_t lda = k + 1, ldb = k + 2, stride_a = m * lda + 3,
                            stride_b = n * ldb + 1;
          const auto a = random_values(batch * stride_a, m * 100 + n),
                     b = random_values(batch * stride_b, k);
          auto c = random_values(m * n, 5);
          const auto c0 = c;
          gemm_nt_accumulate<float>(batch, m, n, k, a.data(), lda, stride_a, b.data(), ldb,
                                    stride_b, c.data(), n);
          for (std::size_t i = 0; i < m; ++i)
            for (std::size_t j = 0; j < n; ++j) {
              double want = c0[i * n + j];
              for (std::size_t s = 0; s < batch; ++s)
                for (std::size_t p = 0; p < k; ++p)
                  want += static_cast<double>(a[s * stride_a + i * lda + p]) *
                          b[s * stride_b + j * ldb + p];
              ASSERT_NEAR(c[i * n + j], want, 1e-5 * (1 + static_cast<double>(batch * k)));
            }
        }
}

TEST_P(Kernels, Im2colAndCol2imEqualThePlainLoopsBitForBit) {
  struct Case {
    std::size_t channels, height, width, kernel, padding;
  };
  const Case cases[] = {{1, 28, 28, 5, 2}, {6, 14, 14, 5, 0}, {2, 5, 7, 3, 1},  {3, 33, 40, 3, 2},
                        {1, 4, 4, 5, 2},   {2, 1, 19, 1, 0},  {1, 20, 3, 2, 1}, {1, 6, 6, 3, 3}};
  for (const Case& c : cases) {
    LayerSpec spec{"conv2d",
                   {{"filters", 2},
                    {"kernel", static_cast<double>(c.kernel)},
                    {"padding", static_cast<double>(c.padding)}}};
    const ConvGeometry g =
        window_geometry(spec, Shape{c.channels, c.height, c.width}, c.kernel, 1, c.padding);
    const std::size_t ld = g.out_positions() + 3;
    const auto image = random_values(g.image_size(), 11);
    const auto col_in = random_values(g.patch_size() * ld, 12);
    std::vector<float> col(g.patch_size() * ld, 7.0f), col_ref = col;
    auto img = random_values(g.image_size(), 13);
    auto img_ref = img;
    im2col(g, image.data(), col.data(), ld);
    col2im_add(g, col_in.data(), ld, img.data());
    generic([&] {
      im2col(g, image.data(), col_ref.data(), ld);
      col2im_add(g, col_in.data(), ld, img_ref.data());
    });
    EXPECT_EQ(col, col_ref) << c.channels << "x" << c.height << "x" << c.width << " k" << c.kernel;
    EXPECT_EQ(img, img_ref) << c.channels << "x" << c.height << "x" << c.width << " k" << c.kernel;
  }
}

TEST_P(Kernels, MaxPoolEqualsThePlainLoopsIncludingTiesAndOddSizes) {
  for (const Shape& input : {Shape{3, 28, 28}, Shape{2, 10, 10}, Shape{1, 7, 35}, Shape{2, 2, 2}}) {
    MaxPool2D<float> pool(input, LayerSpec{"max_pool2d", {{"size", 2}}}),
        ref(input, LayerSpec{"max_pool2d", {{"size", 2}}});
    Tensor x(input.with_batch(2));
    // Few distinct values, so windows hold ties.
    const auto v = random_values(x.size(), 17);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = std::round(v[i]);
    Tensor dy(pool.output_shape().with_batch(2));
    const auto g = random_values(dy.size(), 18);
    std::copy(g.begin(), g.end(), dy.data());
    const Tensor y = pool.forward(x, Mode::kTrain);
    const Tensor dx = pool.backward(dy);
    Tensor y_ref, dx_ref;
    generic([&] {
      y_ref = ref.forward(x, Mode::kTrain);
      dx_ref = ref.backward(dy);
    });
    EXPECT_EQ(std::vector<float>(y.span().begin(), y.span().end()),
              std::vector<float>(y_ref.span().begin(), y_ref.span().end()));
    EXPECT_EQ(std::vector<float>(dx.span().begin(), dx.span().end()),
              std::vector<float>(dx_ref.span().begin(), dx_ref.span().end()));
  }
}

void expect_relative(const std::vector<float>& got, const std::vector<double>& want,
                     double tolerance, const char* what) {
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (std::isnan(want[i])) {
      EXPECT_TRUE(std::isnan(got[i])) << what << " at " << i;
    } else if (std::isinf(want[i]) || want[i] == 0) {
      EXPECT_EQ(got[i], want[i]) << what << " at " << i;
    } else {
      ASSERT_LE(std::abs(got[i] - want[i]), tolerance * std::abs(want[i]))
          << what << " at " << i << ": got " << got[i] << ", want " << want[i];
    }
  }
}

TEST_P(Kernels, ExpIsWithinOneMillionthOfStdExp) {
  std::vector<float> x;
  for (float v = -87.0f; v <= 88.5f; v += 0.0137f) x.push_back(v);
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 88.72f, -87.3f}) x.push_back(v);
  std::vector<float> y(x.size());
  exp_values(x.data(), y.data(), x.size());
  std::vector<double> want(x.size());
  for (std::size_t i = 0; i < x.size(); ++i) want[i] = std::exp(static_cast<float>(x[i]));
  expect_relative(y, want, 1e-6, "exp");
  // Overflow, underflow, infinities and NaN as std::exp.
  const std::vector<float> special = {89.0f,
                                      1000.0f,
                                      std::numeric_limits<float>::infinity(),
                                      -110.0f,
                                      -std::numeric_limits<float>::infinity(),
                                      std::numeric_limits<float>::quiet_NaN()};
  std::vector<float> out(special.size());
  exp_values(special.data(), out.data(), special.size());
  EXPECT_EQ(out[0], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[1], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[2], std::numeric_limits<float>::infinity());
  EXPECT_EQ(out[3], 0.0f);
  EXPECT_EQ(out[4], 0.0f);
  EXPECT_TRUE(std::isnan(out[5]));
  // Denormal results stay close (absolutely).
  const float tiny_in = -95.0f;
  float tiny = 0;
  exp_values(&tiny_in, &tiny, 1);
  EXPECT_NEAR(tiny, std::exp(tiny_in), 1e-44);
}

TEST_P(Kernels, ActivationsMatchTheirDefinitions) {
  auto x = random_values(1000, 21, -12, 12);
  for (float v :
       {0.0f, -0.0f, 1e-6f, -1e-6f, 0.6249f, 0.6251f, -0.625f, 50.0f, -50.0f, 100.0f, -100.0f})
    x.push_back(v);
  const auto dy = random_values(x.size(), 22);
  const std::size_t n = x.size();
  std::vector<float> y(n), dx(n);
  std::vector<double> want(n);

  sigmoid_forward(x.data(), y.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(x[i])));
    if (x[i] < -80)  // a denormal or 0 in float: compare absolutely
      EXPECT_NEAR(y[i], s, 1e-35);
    else
      ASSERT_LE(std::abs(y[i] - s), 1e-6 * s) << "sigmoid(" << x[i] << ")";
  }

  tanh_forward(x.data(), y.data(), n);
  for (std::size_t i = 0; i < n; ++i) want[i] = std::tanh(static_cast<double>(x[i]));
  expect_relative(y, want, 1e-6, "tanh");

  relu_forward(x.data(), y.data(), n);
  relu_backward(x.data(), dy.data(), dx.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(y[i], x[i] > 0 ? x[i] : 0.0f);
    EXPECT_EQ(dx[i], x[i] > 0 ? dy[i] : 0.0f);
  }
  leaky_relu_forward(x.data(), y.data(), n, 0.1f);
  leaky_relu_backward(x.data(), dy.data(), dx.data(), n, 0.1f);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_EQ(y[i], x[i] > 0 ? x[i] : 0.1f * x[i]);
    EXPECT_EQ(dx[i], x[i] > 0 ? dy[i] : dy[i] * 0.1f);
  }
  // x stands in for the forward's output y; the bound allows for fused
  // multiply-adds in 1 - y^2 and y (1 - y), which cancel near |y| = 1.
  sigmoid_backward(x.data(), dy.data(), dx.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], expected = dy[i] * (xi * (1 - xi));
    ASSERT_NEAR(dx[i], expected, 1e-6 * std::abs(dy[i]) * (1 + xi * xi));
  }
  tanh_backward(x.data(), dy.data(), dx.data(), n);
  for (std::size_t i = 0; i < n; ++i) {
    const double xi = x[i], expected = dy[i] * (1 - xi * xi);
    ASSERT_NEAR(dx[i], expected, 1e-6 * std::abs(dy[i]) * (1 + xi * xi));
  }
}

TEST_P(Kernels, ConvolutionGivesTheSameNumbersWithOneAndTwoThreads) {
  // 41 samples x 16 filters x 72 weights x 784 positions = 37M multiply-adds
  // per pass: over the threshold at which the samples are spread.
  const Shape input{8, 28, 28};
  const LayerSpec spec{"conv2d", {{"filters", 16}, {"kernel", 3}, {"padding", 1}}};
  Tensor x(input.with_batch(41));
  const auto v = random_values(x.size(), 41);
  std::copy(v.begin(), v.end(), x.data());
  std::vector<std::vector<float>> results;
  for (int threads : {1, 2}) {
    set_num_threads(threads);
    Conv2D<float> conv(input, spec);
    Rng rng(5);
    conv.initialize(InitScheme::parse("he"), rng);
    const Tensor& y = conv.forward(x, Mode::kTrain);
    Tensor dy(y.shape());
    const auto g = random_values(dy.size(), 42);
    std::copy(g.begin(), g.end(), dy.data());
    const Tensor& dx = conv.backward(dy);
    std::vector<float> all(y.span().begin(), y.span().end());
    all.insert(all.end(), dx.span().begin(), dx.span().end());
    for (const auto& p : conv.params())
      all.insert(all.end(), p.grad->span().begin(), p.grad->span().end());
    results.push_back(all);
  }
  EXPECT_EQ(results[0], results[1]);
}

TEST(Kernels, TheNetworksFirstLayerSkipsItsInputGradient) {
  Network<float> net({Shape{4}, mlp_layers({3}, "relu", 2)});
  Rng rng(1);
  net.initialize(InitScheme::parse("he"), rng);
  Tensor x(Shape{2, 4});
  x.fill(0.5f);
  const Tensor& y = net.forward(x, Mode::kTrain);
  Tensor dy(y.shape());
  dy.fill(1.0f);
  const Tensor& g2 = net.layer(2).backward(dy);
  EXPECT_EQ(g2.size(), 2u * 3u);  // later layers: dx
  const Tensor& g1 = net.layer(1).backward(g2);
  EXPECT_EQ(net.layer(0).backward(g1).size(), 0u);  // the first: none
}

TEST(Kernels, ParallelForRunsEveryIndexOnceAndNests) {
  set_num_threads(2);
  std::vector<int> hits(1000, 0);
  parallel_for(hits.size(), [&](std::size_t i) {
    EXPECT_LT(current_thread(), 2);
    int inner = 0;
    parallel_for(3, [&](std::size_t) { ++inner; });  // nested: runs here, in order
    hits[i] += inner;
  });
  set_num_threads(1);
  for (int h : hits) EXPECT_EQ(h, 3);
  EXPECT_EQ(current_thread(), 0);
}

}  // namespace
}  // namespace scratchnet
