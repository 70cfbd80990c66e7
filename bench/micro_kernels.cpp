// Google Benchmark micro-benchmarks of the kernels, on the shapes of the
// benchmark workloads (bench/run.sh), for each instruction set the CPU runs:
// with "avx512" the matrix products are scratchnet's own, with "avx2" and
// "generic" they go through OpenBLAS (sgemm).
//
//   build/bench/micro_kernels                                   everything
//   build/bench/micro_kernels --benchmark_filter='Gemm/mlp_b128'
//
// Gemm/<shape>/<isa>/t<threads>: FLOP/s counts 2 m n k.
// Elementwise/<kernel>/<isa>, Optimizer/<rule>/<isa>: bytes/s of the arrays
// read and written. Conv/<layer>/<isa>/t<threads>: one forward or backward
// of a LeNet-5 convolution layer on a batch of 64 (FLOP/s: 2 m n k of its
// products).

#include <benchmark/benchmark.h>

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "scratchnet/core/kernels.h"
#include "scratchnet/core/rng.h"
#include "scratchnet/layers/conv2d.h"
#include "scratchnet/layers/max_pool2d.h"
#include "scratchnet/optim/optimizer.h"

using namespace scratchnet;

namespace {

std::vector<float> random_values(std::size_t n, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> v(n);
  for (auto& x : v) x = static_cast<float>(rng.uniform(-2, 2));
  return v;
}

const char* const kIsas[] = {"avx512", "avx2", "generic"};

// Selects the instruction set, or skips the benchmark when the CPU lacks it.
bool select_isa(benchmark::State& state, const char* isa, int threads = 1) {
  if (!set_kernel_isa(isa)) {
    state.SkipWithError("instruction set not available on this CPU");
    return false;
  }
  set_num_threads(threads);
  return true;
}

void add(const std::string& name, std::function<void(benchmark::State&)> fn) {
  benchmark::RegisterBenchmark(name.c_str(), [fn](benchmark::State& state) {
    fn(state);
    set_num_threads(1);
  })->MinTime(0.1);
}

// ---------------------------------------------------------------- matrix products

struct GemmShape {
  const char* name;
  Trans ta, tb;
  std::size_t m, n, k;
};

// The products of the workloads' layers: forward y = x W (NN), weight
// gradient dW = x^T dy (TN), input gradient dx = dy W^T (NT); convolutions
// per sample: y = W col (NN), dW = dy col^T (NT), dcol = W^T dy (TN).
const GemmShape kShapes[] = {
    {"mlp_b128_fwd1", Trans::kNo, Trans::kNo, 128, 256, 784},
    {"mlp_b128_fwd2", Trans::kNo, Trans::kNo, 128, 128, 256},
    {"mlp_b128_fwd3", Trans::kNo, Trans::kNo, 128, 10, 128},
    {"mlp_b128_dw1", Trans::kYes, Trans::kNo, 784, 256, 128},
    {"mlp_b128_dw2", Trans::kYes, Trans::kNo, 256, 128, 128},
    {"mlp_b128_dx2", Trans::kNo, Trans::kYes, 128, 256, 128},
    {"mlp_b32_fwd1", Trans::kNo, Trans::kNo, 32, 256, 784},
    {"mlp_b32_dw1", Trans::kYes, Trans::kNo, 784, 256, 32},
    {"mlp_b1024_fwd1", Trans::kNo, Trans::kNo, 1024, 256, 784},
    {"mlp_b1024_dw1", Trans::kYes, Trans::kNo, 784, 256, 1024},
    {"mlp_b1024_dx2", Trans::kNo, Trans::kYes, 1024, 256, 128},
    {"mlp_b1_fwd1", Trans::kNo, Trans::kNo, 1, 256, 784},
    {"mlp_b1_fwd2", Trans::kNo, Trans::kNo, 1, 128, 256},
    {"arem_b100_fwd", Trans::kNo, Trans::kNo, 100, 50, 50},
    {"arem_b100_dw", Trans::kYes, Trans::kNo, 50, 50, 100},
    {"arem_b100_dx", Trans::kNo, Trans::kYes, 100, 50, 50},
    {"arem_b1_fwd", Trans::kNo, Trans::kNo, 1, 50, 50},
    {"lenet_conv1_fwd", Trans::kNo, Trans::kNo, 6, 784, 25},
    {"lenet_conv1_dw", Trans::kNo, Trans::kYes, 6, 25, 784},
    {"lenet_conv2_fwd", Trans::kNo, Trans::kNo, 16, 100, 150},
    {"lenet_conv2_dw", Trans::kNo, Trans::kYes, 16, 150, 100},
    {"lenet_conv2_dcol", Trans::kYes, Trans::kNo, 150, 100, 16},
    {"square_1024", Trans::kNo, Trans::kNo, 1024, 1024, 1024},
};

void register_gemm() {
  for (const GemmShape& s : kShapes)
    for (const char* isa : {kIsas[0], kIsas[1]})
      for (int threads : {1, 2})
        add(std::string("Gemm/") + s.name + "/" + isa + "/t" + std::to_string(threads),
            [s, isa, threads](benchmark::State& state) {
              if (!select_isa(state, isa, threads)) return;
              const std::size_t lda = s.ta == Trans::kNo ? s.k : s.m;
              const std::size_t ldb = s.tb == Trans::kNo ? s.n : s.k;
              const auto a = random_values(s.m * s.k, 1), b = random_values(s.k * s.n, 2);
              std::vector<float> c(s.m * s.n);
              for (auto _ : state) {
                gemm<float>(s.ta, s.tb, s.m, s.n, s.k, 1.0f, a.data(), lda, b.data(), ldb, 0.0f,
                            c.data(), s.n);
                benchmark::DoNotOptimize(c.data());
                benchmark::ClobberMemory();
              }
              state.counters["FLOP/s"] = benchmark::Counter(
                  2.0 * static_cast<double>(s.m * s.n * s.k), benchmark::Counter::kIsIterationInvariantRate);
            });
}

// ---------------------------------------------------------------- elementwise

// 128 x 256: the first hidden layer of the MLP at batch 128.
constexpr std::size_t kValues = 128 * 256;

void register_elementwise() {
  struct Unary {
    const char* name;
    void (*fn)(const float*, float*, std::size_t);
    int arrays;  // arrays touched
  };
  const Unary unary[] = {{"relu_forward", &relu_forward<float>, 2},
                         {"sigmoid_forward", &sigmoid_forward<float>, 2},
                         {"tanh_forward", &tanh_forward<float>, 2},
                         {"exp", &exp_values<float>, 2}};
  struct Binary {
    const char* name;
    void (*fn)(const float*, const float*, float*, std::size_t);
  };
  const Binary binary[] = {{"relu_backward", &relu_backward<float>},
                           {"sigmoid_backward", &sigmoid_backward<float>},
                           {"tanh_backward", &tanh_backward<float>}};
  for (const char* isa : kIsas) {
    for (const Unary& u : unary)
      add(std::string("Elementwise/") + u.name + "/" + isa, [u, isa](benchmark::State& state) {
        if (!select_isa(state, isa)) return;
        const auto x = random_values(kValues, 3);
        std::vector<float> y(kValues);
        for (auto _ : state) {
          u.fn(x.data(), y.data(), kValues);
          benchmark::DoNotOptimize(y.data());
        }
        state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4 * u.arrays));
      });
    for (const Binary& b : binary)
      add(std::string("Elementwise/") + b.name + "/" + isa, [b, isa](benchmark::State& state) {
        if (!select_isa(state, isa)) return;
        const auto x = random_values(kValues, 3), dy = random_values(kValues, 4);
        std::vector<float> dx(kValues);
        for (auto _ : state) {
          b.fn(x.data(), dy.data(), dx.data(), kValues);
          benchmark::DoNotOptimize(dx.data());
        }
        state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4 * 3));
      });
    add(std::string("Elementwise/add_row_vector/") + isa, [isa](benchmark::State& state) {
      if (!select_isa(state, isa)) return;
      auto y = random_values(kValues, 5);
      const auto bias = random_values(256, 6);
      for (auto _ : state) {
        add_row_vector(y.data(), bias.data(), 128, 256);
        benchmark::DoNotOptimize(y.data());
      }
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4 * 2));
    });
    add(std::string("Elementwise/column_sums/") + isa, [isa](benchmark::State& state) {
      if (!select_isa(state, isa)) return;
      const auto x = random_values(kValues, 5);
      std::vector<float> out(256);
      for (auto _ : state) {
        accumulate_column_sums(x.data(), 128, 256, out.data());
        benchmark::DoNotOptimize(out.data());
      }
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kValues * 4));
    });
  }
}

// ---------------------------------------------------------------- optimizer steps

// The MLP 784-256-128-10's 235,146 parameters, as one array.
constexpr std::size_t kParams = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;

// One step of each optimizer over them (the update rules are vectorised for
// the CPU's best instruction set by the compiler: see src/optim/vectorised.h).
void register_optimizers() {
  for (const std::string& name : registered_optimizer_types()) {
    add("Optimizer/" + name, [name](benchmark::State& state) {
      Tensor w(Shape{kParams}), g(Shape{kParams});
      const auto init = random_values(kParams, 7), grad = random_values(kParams, 8);
      std::copy(init.begin(), init.end(), w.data());
      std::copy(grad.begin(), grad.end(), g.data());
      OptimizerSettings settings;
      settings.lr = 1e-6;
      auto optimizer = make_optimizer(name, settings);
      const std::vector<Param<float>> params = {{"W", &w, &g, true}};
      for (auto _ : state) {
        optimizer->step(params);
        benchmark::DoNotOptimize(w.data());
      }
      // Bytes of w, g and the state tensors read and written per step.
      const std::size_t slots = optimizer->state().size();
      state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kParams * 4 * (3 + 2 * slots)));
    });
  }
}

// ---------------------------------------------------------------- convolution layers

void register_conv() {
  struct ConvCase {
    const char* name;
    Shape input;
    LayerSpec spec;
    double flops;  // per sample, of the forward's products
  };
  const ConvCase cases[] = {
      {"lenet_conv1", Shape{1, 28, 28}, {"conv2d", {{"filters", 6}, {"kernel", 5}, {"padding", 2}}},
       2.0 * 6 * 25 * 784},
      {"lenet_conv2", Shape{6, 14, 14}, {"conv2d", {{"filters", 16}, {"kernel", 5}}}, 2.0 * 16 * 150 * 100},
  };
  constexpr std::size_t kBatch = 64;
  for (const ConvCase& c : cases)
    for (const char* isa : {kIsas[0], kIsas[1]})
      for (int threads : {1, 2})
        for (bool backward : {false, true})
          add(std::string("Conv/") + c.name + (backward ? "_backward/" : "_forward/") + isa + "/t" +
                  std::to_string(threads),
              [c, isa, threads, backward](benchmark::State& state) {
                if (!select_isa(state, isa, threads)) return;
                Conv2D<float> layer(c.input, c.spec);
                Rng rng(9);
                layer.initialize(InitScheme::parse("he"), rng);
                Tensor x(c.input.with_batch(kBatch));
                const auto values = random_values(x.size(), 10);
                std::copy(values.begin(), values.end(), x.data());
                const Tensor& y = layer.forward(x, Mode::kTrain);
                Tensor dy(y.shape());
                const auto grads = random_values(dy.size(), 11);
                std::copy(grads.begin(), grads.end(), dy.data());
                for (auto _ : state) {
                  if (backward) benchmark::DoNotOptimize(layer.backward(dy).data());
                  else benchmark::DoNotOptimize(layer.forward(x, Mode::kTrain).data());
                }
                // Backward: the weight and input gradient products, twice the forward's.
                state.counters["FLOP/s"] = benchmark::Counter(
                    c.flops * kBatch * (backward ? 2 : 1), benchmark::Counter::kIsIterationInvariantRate);
              });
}

}  // namespace

int main(int argc, char** argv) {
  register_gemm();
  register_elementwise();
  register_optimizers();
  register_conv();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
