// Conv2D, MaxPool2D and AvgPool2D forward (float), and Conv2D's backward in
// both modes, against direct loop references written here from the
// definitions, on random shapes with padding, stride and non-square images;
// and the usage errors for shapes that cannot work. Gradients in double are
// also checked by the generic layer contract test.

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

struct ConvCase {
  std::size_t n, c, h, w, filters, kernel, stride, padding;
};

Tensor random_tensor(const Shape& shape, Rng& rng) {
  Tensor t(shape);
  for (auto& v : t.span()) v = static_cast<float>(rng.uniform(-1.0, 1.0));
  return t;
}

std::size_t out_size(std::size_t in, const ConvCase& k) {
  return (in + 2 * k.padding - k.kernel) / k.stride + 1;
}

// Calls term(y_index, x_index, w_index) for every product W x of
// y[n, f, i, j] = b[f] + sum_{c, a, e} W[f, c, a, e] x[n, c, i*s + a - p, j*s + e - p],
// leaving out the x = 0 outside the image.
template <class F>
void for_each_conv_term(const ConvCase& k, F term) {
  const std::size_t oh = out_size(k.h, k), ow = out_size(k.w, k);
  for (std::size_t n = 0; n < k.n; ++n)
    for (std::size_t f = 0; f < k.filters; ++f)
      for (std::size_t i = 0; i < oh; ++i)
        for (std::size_t j = 0; j < ow; ++j)
          for (std::size_t c = 0; c < k.c; ++c)
            for (std::size_t a = 0; a < k.kernel; ++a)
              for (std::size_t e = 0; e < k.kernel; ++e) {
                const long r = static_cast<long>(i * k.stride + a) - static_cast<long>(k.padding);
                const long s = static_cast<long>(j * k.stride + e) - static_cast<long>(k.padding);
                if (r < 0 || s < 0 || r >= static_cast<long>(k.h) || s >= static_cast<long>(k.w))
                  continue;
                term(((n * k.filters + f) * oh + i) * ow + j,
                     ((n * k.c + c) * k.h + static_cast<std::size_t>(r)) * k.w + static_cast<std::size_t>(s),
                     f * k.c * k.kernel * k.kernel + (c * k.kernel + a) * k.kernel + e);
              }
}

Tensor to_tensor(const std::vector<double>& v, const Shape& shape) {
  Tensor t(shape);
  for (std::size_t i = 0; i < v.size(); ++i) t[i] = static_cast<float>(v[i]);
  return t;
}

Tensor naive_conv(const Tensor& x, const Tensor& w, const Tensor& b, const ConvCase& k) {
  const Shape shape{k.n, k.filters, out_size(k.h, k), out_size(k.w, k)};
  std::vector<double> y(shape.elements());
  for (std::size_t q = 0; q < y.size(); ++q) y[q] = b[q / (shape[2] * shape[3]) % k.filters];
  for_each_conv_term(k, [&](std::size_t yi, std::size_t xi, std::size_t wi) {
    y[yi] += static_cast<double>(x[xi]) * w[wi];
  });
  return to_tensor(y, shape);
}

// y[n, c, i, j] = max (or mean) of x[n, c, i*s + a, j*s + e] over a, e < size.
Tensor naive_pool(const Tensor& x, std::size_t size, std::size_t stride, bool max) {
  const Shape& s = x.shape();
  const std::size_t oh = (s[2] - size) / stride + 1, ow = (s[3] - size) / stride + 1;
  Tensor y(Shape{s[0], s[1], oh, ow});
  for (std::size_t n = 0; n < s[0]; ++n)
    for (std::size_t c = 0; c < s[1]; ++c)
      for (std::size_t i = 0; i < oh; ++i)
        for (std::size_t j = 0; j < ow; ++j) {
          double acc = max ? -std::numeric_limits<double>::infinity() : 0.0;
          for (std::size_t a = 0; a < size; ++a)
            for (std::size_t e = 0; e < size; ++e) {
              const double v = x[((n * s[1] + c) * s[2] + i * stride + a) * s[3] + j * stride + e];
              acc = max ? std::max(acc, v) : acc + v;
            }
          if (!max) acc /= static_cast<double>(size * size);
          y[((n * s[1] + c) * oh + i) * ow + j] = static_cast<float>(acc);
        }
  return y;
}

void expect_near_all(const Tensor& got, const Tensor& want, const std::string& what) {
  ASSERT_EQ(got.shape(), want.shape()) << what;
  for (std::size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], 1e-4) << what << " at " << i;
}

TEST(Conv2D, ForwardMatchesDirectConvolution) {
  const ConvCase cases[] = {
      {2, 1, 5, 5, 3, 3, 1, 0},  {3, 2, 7, 5, 4, 3, 1, 1},   {2, 3, 8, 6, 2, 3, 2, 1},
      {1, 2, 9, 11, 5, 5, 2, 2}, {4, 1, 28, 28, 6, 5, 1, 2}, {2, 6, 14, 14, 16, 5, 1, 0},
      {2, 3, 6, 7, 2, 1, 1, 0},  {1, 2, 5, 4, 3, 4, 3, 3},   {2, 1, 3, 3, 2, 3, 1, 0},
  };
  Rng rng(3);
  for (const ConvCase& k : cases) {
    const std::string what = fmt::format("n={} c={} h={} w={} f={} k={} s={} p={}", k.n, k.c, k.h,
                                         k.w, k.filters, k.kernel, k.stride, k.padding);
    const LayerSpec spec{"conv2d",
                         {{"filters", static_cast<double>(k.filters)},
                          {"kernel", static_cast<double>(k.kernel)},
                          {"stride", static_cast<double>(k.stride)},
                          {"padding", static_cast<double>(k.padding)}}};
    auto layer = make_layer<float>(spec, Shape{k.c, k.h, k.w});
    auto params = layer->params();
    ASSERT_EQ(params[0].value->shape(), (Shape{k.filters, k.c * k.kernel * k.kernel})) << what;
    for (auto& p : params)
      for (auto& v : p.value->span()) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    const Tensor x = random_tensor(Shape{k.n, k.c, k.h, k.w}, rng);
    const Tensor want = naive_conv(x, *params[0].value, *params[1].value, k);
    EXPECT_EQ(layer->output_shape(), want.shape().without_batch()) << what;
    expect_near_all(layer->forward(x, Mode::kTrain), want, what + " train");
    expect_near_all(layer->forward(x, Mode::kEval), want, what + " eval");
  }
}

// The adjoints of naive_conv, term by term: dx += W dy, dW += x dy, db[f] += dy.
struct ConvGradients {
  Tensor dx, dw, db;
};
ConvGradients naive_conv_backward(const Tensor& x, const Tensor& w, const Tensor& dy,
                                  const ConvCase& k) {
  std::vector<double> dx(x.size()), dw(w.size()), db(k.filters);
  const std::size_t positions = out_size(k.h, k) * out_size(k.w, k);
  for (std::size_t q = 0; q < dy.size(); ++q) db[q / positions % k.filters] += dy[q];
  for_each_conv_term(k, [&](std::size_t yi, std::size_t xi, std::size_t wi) {
    dx[xi] += static_cast<double>(dy[yi]) * w[wi];
    dw[wi] += static_cast<double>(dy[yi]) * x[xi];
  });
  return {to_tensor(dx, x.shape()), to_tensor(dw, w.shape()), to_tensor(db, Shape{k.filters})};
}

TEST(Conv2D, BackwardMatchesDirectLoopsInTrainAndEvalMode) {
  // Stride 2 with padding on a non-square image (the plain loops), and stride
  // 1 on images wider than 16 (the vectorised im2col / col2im and the batched
  // dW product of the float kernels).
  const ConvCase cases[] = {
      {3, 2, 7, 6, 3, 3, 2, 1},
      {2, 3, 9, 20, 4, 3, 1, 1},
      {2, 2, 6, 33, 3, 5, 1, 2},
      {2, 3, 8, 11, 2, 1, 1, 0},
  };
  Rng rng(5);
  for (const ConvCase& k : cases) {
    const std::string what = fmt::format("n={} c={} h={} w={} f={} k={} s={} p={}", k.n, k.c, k.h,
                                         k.w, k.filters, k.kernel, k.stride, k.padding);
    auto layer = make_layer<float>({"conv2d",
                                    {{"filters", static_cast<double>(k.filters)},
                                     {"kernel", static_cast<double>(k.kernel)},
                                     {"stride", static_cast<double>(k.stride)},
                                     {"padding", static_cast<double>(k.padding)}}},
                                   Shape{k.c, k.h, k.w});
    for (auto& p : layer->params())
      for (auto& v : p.value->span()) v = static_cast<float>(rng.uniform(-1.0, 1.0));
    const Tensor x = random_tensor(Shape{k.n, k.c, k.h, k.w}, rng);
    const Tensor dy = random_tensor(layer->output_shape().with_batch(k.n), rng);
    const ConvGradients want = naive_conv_backward(x, *layer->params()[0].value, dy, k);
    for (Mode mode : {Mode::kTrain, Mode::kEval}) {
      const std::string where = what + (mode == Mode::kTrain ? " train" : " eval");
      for (auto& p : layer->params()) p.grad->zero();
      layer->forward(x, mode);
      expect_near_all(layer->backward(dy), want.dx, where + " dx");
      expect_near_all(*layer->params()[0].grad, want.dw, where + " dW");
      expect_near_all(*layer->params()[1].grad, want.db, where + " db");
    }
  }
}

TEST(Pooling, ForwardMatchesDirectLoops) {
  struct PoolCase {
    std::size_t n, c, h, w, size, stride;
  };
  const PoolCase cases[] = {{2, 3, 4, 4, 2, 2}, {1, 2, 7, 5, 2, 2}, {2, 1, 9, 6, 3, 2},
                            {3, 2, 5, 8, 3, 1}, {1, 4, 6, 6, 3, 3}, {2, 1, 28, 28, 2, 2}};
  Rng rng(9);
  for (const PoolCase& k : cases) {
    const Tensor x = random_tensor(Shape{k.n, k.c, k.h, k.w}, rng);
    for (const bool max : {true, false}) {
      const std::string type = max ? "max_pool2d" : "avg_pool2d";
      const std::string what = fmt::format("{} n={} c={} h={} w={} size={} stride={}", type, k.n,
                                           k.c, k.h, k.w, k.size, k.stride);
      auto layer = make_layer<float>(
          {type,
           {{"size", static_cast<double>(k.size)}, {"stride", static_cast<double>(k.stride)}}},
          Shape{k.c, k.h, k.w});
      const Tensor want = naive_pool(x, k.size, k.stride, max);
      EXPECT_EQ(layer->output_shape(), want.shape().without_batch()) << what;
      expect_near_all(layer->forward(x, Mode::kTrain), want, what);
    }
  }
}

TEST(Pooling, StrideDefaultsToSize) {
  auto layer = make_layer<float>({"max_pool2d", {{"size", 3}}}, Shape{2, 9, 7});
  EXPECT_EQ(layer->output_shape(), (Shape{2, 3, 2}));
}

TEST(MaxPool2D, BackwardRoutesGradientToTheMaximum) {
  auto layer = make_layer<float>({"max_pool2d", {{"size", 2}}}, Shape{1, 2, 4});
  Tensor x(Shape{1, 1, 2, 4});
  const float values[] = {1, 5, -1, -2, 3, 2, -3, -0.5f};
  std::copy(values, values + 8, x.data());
  const Tensor& y = layer->forward(x, Mode::kTrain);
  EXPECT_EQ(y[0], 5);
  EXPECT_EQ(y[1], -0.5f);
  Tensor dy(y.shape());
  dy[0] = 10;
  dy[1] = 20;
  const Tensor& dx = layer->backward(dy);
  const float want[] = {0, 10, 0, 0, 0, 0, 0, 20};
  for (std::size_t i = 0; i < 8; ++i) EXPECT_EQ(dx[i], want[i]) << i;
}

void expect_usage_error(const LayerSpec& spec, const Shape& input, const std::string& fragment) {
  try {
    make_layer<float>(spec, input);
    ADD_FAILURE() << spec.str() << " on " << input.str() << ": expected a usage error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos)
        << "'" << e.what() << "' lacks '" << fragment << "'";
  }
}

TEST(Conv2D, BadShapesAndSettingsAreUsageErrors) {
  const LayerSpec conv{"conv2d", {{"filters", 4}, {"kernel", 3}}};
  expect_usage_error(conv, Shape{784}, "conv2d needs (channels, height, width) inputs, got (784)");
  expect_usage_error(conv, Shape{2, 28, 28, 1}, "got (2, 28, 28, 1)");
  expect_usage_error(conv, Shape{1, 2, 5}, "does not fit");
  expect_usage_error({"conv2d", {{"kernel", 3}}}, Shape{1, 5, 5}, "filters");
  expect_usage_error({"conv2d", {{"filters", 2}}}, Shape{1, 5, 5}, "kernel");
  expect_usage_error({"conv2d", {{"filters", 0}, {"kernel", 3}}}, Shape{1, 5, 5}, "filters");
  expect_usage_error({"conv2d", {{"filters", 2}, {"kernel", 2.5}}}, Shape{1, 5, 5}, "kernel");
  expect_usage_error({"conv2d", {{"filters", 2}, {"kernel", 3}, {"stride", 0}}}, Shape{1, 5, 5},
                     "stride");
  expect_usage_error({"conv2d", {{"filters", 2}, {"kernel", 3}, {"padding", -1}}}, Shape{1, 5, 5},
                     "padding");
  // With padding the window fits a smaller image.
  EXPECT_EQ(
      make_layer<float>({"conv2d", {{"filters", 2}, {"kernel", 3}, {"padding", 1}}}, Shape{1, 1, 2})
          ->output_shape(),
      (Shape{2, 1, 2}));
}

TEST(Pooling, BadShapesAndSettingsAreUsageErrors) {
  for (const std::string type : {"max_pool2d", "avg_pool2d"}) {
    expect_usage_error({type, {{"size", 2}}}, Shape{16}, type + " needs (channels, height, width)");
    expect_usage_error({type, {{"size", 3}}}, Shape{1, 2, 8}, "does not fit");
    expect_usage_error({type, {}}, Shape{1, 4, 4}, "size");
    expect_usage_error({type, {{"size", 2}, {"stride", 0}}}, Shape{1, 4, 4}, "stride");
  }
}

TEST(Flatten, KeepsValuesAndRestoresTheShapeInBackward) {
  auto layer = make_layer<float>({"flatten", {}}, Shape{2, 3, 4});
  EXPECT_EQ(layer->output_shape(), Shape{24});
  Rng rng(1);
  const Tensor x = random_tensor(Shape{2, 2, 3, 4}, rng);
  const Tensor& y = layer->forward(x, Mode::kTrain);
  ASSERT_EQ(y.shape(), (Shape{2, 24}));
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(y[i], x[i]);
  const Tensor& dx = layer->backward(y);
  ASSERT_EQ(dx.shape(), x.shape());
  for (std::size_t i = 0; i < x.size(); ++i) EXPECT_EQ(dx[i], x[i]);
}

}  // namespace
}  // namespace scratchnet
