// bench_train: scratchnet's side of the side-by-side benchmark (bench/run.sh).
//
// Trains one workload with the library's Network and Trainer, exactly as
// `scratchnet train` would, and prints one JSON line: training samples per
// second of step time (forward, loss, backward, optimizer step; batching and
// evaluation excluded, as the summary's samples_per_second), the test
// accuracy after the epochs, and the process's peak resident set size.
//
//   bench_train mlp   --batch 128 --epochs 3 [--threads 2]   784-256-128-10 ReLU, Fashion-MNIST
//                     [--diagnostics epoch|every:N]          with per-layer diagnostics (their cost:
//                                                            diagnostics_seconds, fit_seconds)
//   bench_train lenet --batch 64  --epochs 2                 recipes/lenet5-fashion.toml's layers
//   bench_train arem  --batch 100 --epochs 20                6-50-50-50-6 sigmoid, AReM (25,055 rows)
//   bench_train infer [--samples 20000]                      784-256-128-10, one sample per forward
//   bench_train steps --model mlp|lenet|arem --batch B [--count 2000]
//                                                            time of single training steps on the
//                                                            workload's data: min, p10 and median (us);
//                                                            robust on a busy machine (bench/README.md)
//   any training workload: [--max-shares S]                   batch-parallel steps with at most S shares
//                                                            (train/batch_parallel.h; 1: plain steps)
//   bench_train sgemm                                        OpenBLAS sgemm GFLOP/s (the peak to compare with)
//   bench_train export-arem DIR                              writes the scaled AReM split for the other peers
//
// Every workload uses Adam (lr 1e-3; AReM 0.0017019 as its recipe), He
// initialisation before ReLU and Xavier before sigmoid (init "auto"),
// seed 42.

#include <sys/resource.h>
#include <time.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#endif

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/core/kernels.h"
#include "scratchnet/data/builtin.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/optim/optimizer.h"
#include "scratchnet/app/diagnostics_file.h"
#include "scratchnet/app/run.h"
#include "scratchnet/train/config.h"
#include "scratchnet/train/diagnostics.h"
#include "scratchnet/train/trainer.h"

using namespace scratchnet;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

struct Args {
  std::string workload;
  std::string dir;          // export-arem
  std::size_t batch = 0;    // 0 = the workload's default
  std::size_t epochs = 0;
  std::size_t samples = 20000;
  int threads = 2;
  std::string source_dir = ".";  // where recipes/ lives
  std::string diagnostics = "off";
  std::string model = "mlp";  // steps
  std::size_t count = 2000;   // steps
  std::size_t max_shares = TrainOptions{}.max_shares;  // 1: no batch-parallel steps
};

Args parse(int argc, char** argv) {
  if (argc < 2) throw_usage("usage: bench_train mlp|lenet|arem|infer|sgemm|export-arem [options]");
  Args a;
  a.workload = argv[1];
  int i = 2;
  if (a.workload == "export-arem") {
    if (argc < 3) throw_usage("export-arem needs a folder");
    a.dir = argv[2];
    i = 3;
  }
  for (; i < argc; ++i) {
    const std::string flag = argv[i];
    if (i + 1 >= argc) throw_usage("{} needs a value", flag);
    const std::string value = argv[++i];
    if (flag == "--batch") a.batch = std::stoul(value);
    else if (flag == "--epochs") a.epochs = std::stoul(value);
    else if (flag == "--threads") a.threads = std::stoi(value);
    else if (flag == "--samples") a.samples = std::stoul(value);
    else if (flag == "--source-dir") a.source_dir = value;
    else if (flag == "--diagnostics") a.diagnostics = value;
    else if (flag == "--model") a.model = value;
    else if (flag == "--count") a.count = std::stoul(value);
    else if (flag == "--max-shares") a.max_shares = std::stoul(value);
    else throw_usage("unknown option {}", flag);
  }
  return a;
}

// The settings `scratchnet train` would get for a workload.
TrainConfig workload_config(const Args& a) {
  TrainConfig c;
  c.optimizer = "adam";
  c.lr = 1e-3;
  c.seed = 42;
  c.threads = a.threads;
  c.init = InitScheme::parse("auto");
  if (a.workload == "mlp" || a.workload == "infer") {
    c.data = "fashion-mnist";
    c.layers = {256, 128};
    c.activation = "relu";
    c.batch_size = 128;
    c.epochs = 3;
  } else if (a.workload == "lenet") {
    c.load_toml_file(a.source_dir + "/recipes/lenet5-fashion.toml");
    c.epochs = 2;
  } else if (a.workload == "arem" || a.workload == "export-arem") {
    c.data = "arem";
    c.scale = ScaleChoice::kStandard;
    c.test_fraction = 0.25;
    c.train_limit = 25055;  // the row count of the issue's AReM workload
    c.layers = {50, 50, 50};
    c.activation = "sigmoid";
    c.lr = 0.0017019024512130883;
    c.batch_size = 100;
    c.epochs = 20;
  } else {
    throw_usage("unknown workload '{}'", a.workload);
  }
  if (a.batch) c.batch_size = a.batch;
  if (a.epochs) c.epochs = a.epochs;
  return c;
}

// Writes the scaled split as raw little-endian arrays plus a small JSON header,
// so PyTorch and scikit-learn train on exactly the same rows.
void export_arem(const Args& a) {
  const PreparedData data = prepare_data(workload_config(a));
  auto write = [&](const std::string& name, const void* p, std::size_t bytes) {
    std::ofstream out(a.dir + "/" + name, std::ios::binary);
    out.write(static_cast<const char*>(p), static_cast<std::streamsize>(bytes));
    if (!out) throw_data("cannot write {}/{}", a.dir, name);
  };
  write("train_x.f32", data.train.features.data(), data.train.features.size() * 4);
  write("train_y.i32", data.train.labels.data(), data.train.labels.size() * 4);
  write("test_x.f32", data.test.features.data(), data.test.features.size() * 4);
  write("test_y.i32", data.test.labels.data(), data.test.labels.size() * 4);
  std::ofstream meta(a.dir + "/meta.json");
  meta << fmt::format(R"({{"features": {}, "classes": {}, "train": {}, "test": {}}})",
                      data.train.num_features(), data.train.num_outputs(), data.train.size(),
                      data.test.size())
       << "\n";
}

// Forwards to a callback and adds up the time spent in it.
class TimedCallback final : public TrainCallback {
 public:
  explicit TimedCallback(TrainCallback& inner) : inner_(inner) {}
  void on_fit_begin(Trainer& t, const FitData& d, const TrainingState* r) override {
    time([&] { inner_.on_fit_begin(t, d, r); });
  }
  void on_step(Trainer& t, const StepInfo& s) override {
    time([&] { inner_.on_step(t, s); });
  }
  void on_epoch_end(Trainer& t, const EpochStats& s, EpochControl& c) override {
    time([&] { inner_.on_epoch_end(t, s, c); });
  }
  double seconds = 0;

 private:
  template <class F>
  void time(F f) {
    const auto start = Clock::now();
    f();
    seconds += seconds_since(start);
  }
  TrainCallback& inner_;
};

// A workload's data, network, optimizer, loss and trainer, set up as
// `scratchnet train` would.
struct Training {
  explicit Training(const Args& a)
      : config(workload_config(a)),
        data((set_num_threads(config.threads), prepare_data(config))),
        net({data.train.sample_shape, config.network_layers(data.train.num_outputs())}),
        loss(make_loss<float>("softmax_cross_entropy")),
        shuffle_rng(config.seed + 1) {
    Rng init_rng(config.seed);
    net.initialize(config.init, init_rng);
    OptimizerSettings opt;
    opt.lr = config.lr;
    optimizer = make_optimizer(config.optimizer, opt);
    TrainOptions options;
    options.epochs = config.epochs;
    options.batch_size = config.batch_size;
    options.evaluate_train = false;
    options.seed = config.seed;
    options.max_shares = a.max_shares;
    trainer = std::make_unique<Trainer>(net, *loss, *optimizer, options, shuffle_rng);
  }
  TrainConfig config;
  PreparedData data;
  Network<float> net;
  std::unique_ptr<Optimizer> optimizer;
  std::unique_ptr<Loss<float>> loss;
  Rng shuffle_rng;
  std::unique_ptr<Trainer> trainer;
};

void train_workload(const Args& a) {
  Training run(a);
  const TrainConfig& config = run.config;
  PreparedData& data = run.data;
  Trainer& trainer = *run.trainer;
  // Per-layer diagnostics as `scratchnet train` records them (written to
  // /dev/null), timed apart: what they add to a run.
  DiagnosticsWriter files("/dev/null", "/dev/null", "/dev/null");
  DiagnosticsCallback diagnostics(DiagnosticsCadence::parse(a.diagnostics, "--diagnostics"),
                                  [&files](const DiagnosticsRecord& r) { files.write(r); });
  TimedCallback timed(diagnostics);
  std::vector<TrainCallback*> callbacks;
  if (a.diagnostics != "off") callbacks.push_back(&timed);
  const auto fit_start = Clock::now();
  const FitResult fit = trainer.fit(FitData{&data.train, nullptr, nullptr}, callbacks);
  const double fit_seconds = seconds_since(fit_start);
  double step_seconds = 0;
  std::size_t samples = 0;
  std::string epoch_rates;
  for (const auto& e : fit.history) {
    step_seconds += e.step_seconds;
    samples += e.samples;
    epoch_rates += fmt::format("{}{:.0f}", epoch_rates.empty() ? "" : ", ",
                               static_cast<double>(e.samples) / e.step_seconds);
  }
  const EvalResult test = trainer.evaluate(data.test);
  fmt::print(
      R"({{"peer": "scratchnet", "workload": "{}", "batch": {}, "epochs": {}, "threads": {}, )"
      R"("train_samples": {}, "step_seconds": {:.4f}, "samples_per_second": {:.1f}, )"
      R"("epoch_samples_per_second": [{}], "test_accuracy": {:.4f}, "peak_rss_mb": {:.1f}, )"
      R"("diagnostics": "{}", "diagnostics_seconds": {:.4f}, "fit_seconds": {:.4f}}})"
      "\n",
      a.workload, config.batch_size, config.epochs, config.threads, data.train.size(), step_seconds,
      static_cast<double>(samples) / step_seconds, epoch_rates, test.accuracy, peak_rss_mb(), a.diagnostics,
      timed.seconds, fit_seconds);
}

// Single training steps (Trainer::step, as fit runs them) on batches of the
// workload's data, each timed alone: the minimum and low percentiles are what
// the step costs when nothing else runs, so they compare code changes on a
// machine that other programs share.
void step_times(Args a) {
  a.workload = a.model;
  Training run(a);
  const TrainConfig& config = run.config;
  const PreparedData& data = run.data;
  Trainer& trainer = *run.trainer;
  const std::size_t batch = config.batch_size, batches = std::max<std::size_t>(1, std::min<std::size_t>(
                                                                     64, data.train.size() / batch));
  std::vector<Tensor> xs(batches), ys(batches);
  std::vector<std::vector<std::int32_t>> labels(batches);
  std::vector<std::size_t> index(batch);
  for (std::size_t b = 0; b < batches; ++b) {
    for (std::size_t i = 0; i < batch; ++i) index[i] = (b * batch + i) % data.train.size();
    data.train.gather(index, xs[b], labels[b], ys[b]);
  }
  std::vector<double> us;
  for (std::size_t s = 0; s < a.count + 20; ++s) {
    const std::size_t b = s % batches;
    const auto start = Clock::now();
    trainer.step(xs[b], Targets<float>{labels[b], &ys[b]});
    if (s >= 20) us.push_back(seconds_since(start) * 1e6);
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) { return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))]; };
  double mean = 0;
  for (double u : us) mean += u / static_cast<double>(us.size());
  fmt::print(R"({{"model": "{}", "batch": {}, "threads": {}, "steps": {}, "min_us": {:.1f}, "p10_us": {:.1f}, )"
             R"("median_us": {:.1f}, "p90_us": {:.1f}, "mean_us": {:.1f}, "samples_per_second_p10": {:.0f}}})"
             "\n",
             a.model, batch, config.threads, us.size(), us.front(), at(0.1), at(0.5), at(0.9), mean,
             static_cast<double>(batch) / at(0.1) * 1e6);
}

// Latency of one eval-mode forward of a single sample through 784-256-128-10.
void inference(const Args& a) {
  const TrainConfig config = workload_config(a);
  set_num_threads(config.threads);
  DataOptions fashion;
  fashion.source = "fashion-mnist";
  const TrainTest data = *load_predefined_split(fashion);
  Network<float> net({data.test.sample_shape, config.network_layers(10)});
  Rng init_rng(config.seed);
  net.initialize(config.init, init_rng);
  Tensor x;
  std::vector<std::int32_t> labels;
  Tensor targets;
  const std::size_t n = data.test.size();
  // Every sample is gathered once up front; the timed loop only runs forward.
  std::vector<Tensor> inputs(std::min<std::size_t>(n, 1000));
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    const std::size_t index[1] = {i};
    data.test.gather(index, inputs[i], labels, targets);
  }
  std::size_t checksum = 0;
  for (std::size_t i = 0; i < 200; ++i) checksum += net.forward(inputs[i % inputs.size()], Mode::kEval)[0] > 0;
  const auto start = Clock::now();
  for (std::size_t i = 0; i < a.samples; ++i) {
    const Tensor& y = net.forward(inputs[i % inputs.size()], Mode::kEval);
    checksum += y[0] > y[1];
  }
  const double seconds = seconds_since(start);
  fmt::print(
      R"({{"peer": "scratchnet", "workload": "infer", "batch": 1, "threads": {}, "samples": {}, )"
      R"("us_per_sample": {:.3f}, "samples_per_second": {:.1f}, "checksum": {}, "peak_rss_mb": {:.1f}}})"
      "\n",
      config.threads, a.samples, seconds * 1e6 / static_cast<double>(a.samples),
      static_cast<double>(a.samples) / seconds, checksum, peak_rss_mb());
}

// The FMA peak: independent fused multiply-adds on registers only, on
// `threads` threads at once (AVX-512 when the CPU has it, else AVX2).
#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("avx512f"))) float fma_loop_avx512(long iterations) {
  __m512 acc[12];
  for (int r = 0; r < 12; ++r) acc[r] = _mm512_set1_ps(static_cast<float>(r));
  const __m512 a = _mm512_set1_ps(0.999999f), b = _mm512_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int r = 0; r < 12; ++r) acc[r] = _mm512_fmadd_ps(acc[r], a, b);
  }
  alignas(64) float lanes[16];
  float sum = 0;
  for (int r = 0; r < 12; ++r) {
    _mm512_store_ps(lanes, acc[r]);
    for (float v : lanes) sum += v;
  }
  return sum;
}
__attribute__((target("avx2,fma"))) float fma_loop_avx2(long iterations) {
  __m256 acc[12];
  for (int r = 0; r < 12; ++r) acc[r] = _mm256_set1_ps(static_cast<float>(r));
  const __m256 a = _mm256_set1_ps(0.999999f), b = _mm256_set1_ps(1e-7f);
  for (long i = 0; i < iterations; ++i) {
#pragma GCC unroll 12
    for (int r = 0; r < 12; ++r) acc[r] = _mm256_fmadd_ps(acc[r], a, b);
  }
  alignas(32) float lanes[8];
  float sum = 0;
  for (int r = 0; r < 12; ++r) {
    _mm256_store_ps(lanes, acc[r]);
    for (float v : lanes) sum += v;
  }
  return sum;
}

// Runs work(start, stop) on `threads` threads at once, 3 times; work returns
// the amount it did between its start() and stop() calls, each thread timed
// on its own CPU clock (so a core another program shares still counts at
// what it does while it runs). The best of the 3 sums of the threads' rates.
double best_total_rate(int threads,
                       const std::function<double(const std::function<void()>&, const std::function<void()>&)>& work) {
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<std::thread> pool;
    std::vector<double> rates(static_cast<std::size_t>(threads));
    for (int t = 0; t < threads; ++t)
      pool.emplace_back([&, t] {
        timespec begin{}, end{};
        const double amount = work([&] { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &begin); },
                                   [&] { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &end); });
        const double seconds = static_cast<double>(end.tv_sec - begin.tv_sec) +
                               1e-9 * static_cast<double>(end.tv_nsec - begin.tv_nsec);
        rates[static_cast<std::size_t>(t)] = amount / seconds;
      });
    for (auto& th : pool) th.join();
    double total = 0;
    for (double r : rates) total += r;
    best = std::max(best, total);
  }
  return best;
}

double fma_peak_gflops(int threads) {
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const long iterations = 50'000'000;
  const double flops_per_thread = 12.0 * 2 * (avx512 ? 16 : 8) * static_cast<double>(iterations);
  return best_total_rate(threads, [&](const std::function<void()>& start, const std::function<void()>& stop) {
    start();
    const float sink = avx512 ? fma_loop_avx512(iterations) : fma_loop_avx2(iterations);
    stop();
    return sink == 12345.0f ? 0 : flops_per_thread * 1e-9;  // GFLOP
  });
}

// The read bandwidth of the cache that holds a one-sample forward's weights:
// each of `threads` threads sums its own buffer of `bytes` (the
// 784-256-128-10 MLP's 0.94 MB of weights split between them) over and
// over with 64-byte loads. Each thread is timed on its own CPU clock; GB/s
// of all threads together, best of 3.
__attribute__((target("avx512f"))) float read_loop_avx512(const float* data, std::size_t floats, long passes) {
  __m512 acc[8];
  for (auto& r : acc) r = _mm512_setzero_ps();
  for (long pass = 0; pass < passes; ++pass)
    for (std::size_t i = 0; i + 128 <= floats; i += 128) {
#pragma GCC unroll 8
      for (int r = 0; r < 8; ++r) acc[r] = _mm512_add_ps(acc[r], _mm512_load_ps(data + i + 16 * r));
    }
  alignas(64) float lanes[16];
  float sum = 0;
  for (auto& r : acc) {
    _mm512_store_ps(lanes, r);
    for (float v : lanes) sum += v;
  }
  return sum;
}

double read_gbps(int threads, std::size_t bytes) {
  if (!__builtin_cpu_supports("avx512f")) return 0;
  const std::size_t floats = bytes / sizeof(float) / 128 * 128;
  const long passes = static_cast<long>(4e9 / static_cast<double>(floats * sizeof(float)));
  return best_total_rate(threads, [&](const std::function<void()>& start, const std::function<void()>& stop) {
    Tensor buffer(Shape{floats});
    buffer.fill(1.0f);
    read_loop_avx512(buffer.data(), floats, 1);  // into the cache
    start();
    const float sink = read_loop_avx512(buffer.data(), floats, passes);
    stop();
    return sink == 12345.0f ? 0 : static_cast<double>(floats * sizeof(float)) * static_cast<double>(passes) * 1e-9;  // GB
  });
}
#else
double fma_peak_gflops(int) { return 0; }
double read_gbps(int, std::size_t) { return 0; }
#endif

// GEMM GFLOP/s on square and layer-shaped problems, best of several
// repetitions, with 1 and `threads` threads: OpenBLAS's sgemm (as the avx2
// kernels call it) and the library's own gemm (avx512, where the CPU has it);
// and the FMA peak.
void sgemm_peak(const Args& a) {
  struct Case {
    const char* name;
    std::size_t m, n, k;
  };
  const Case cases[] = {{"square_1536", 1536, 1536, 1536},
                        {"mlp_fwd_b1024", 1024, 256, 784},
                        {"mlp_fwd_b128", 128, 256, 784}};
  const std::string best_isa = kernel_isa();
  std::string out = R"({"peer": "sgemm")";
  for (const bool own : {false, true}) {
    if (own) {
      if (best_isa != "avx512") continue;  // the products are OpenBLAS's anyway
      set_kernel_isa("avx512");
    } else if (!set_kernel_isa("avx2")) {
      set_kernel_isa("generic");
    }
    const std::string label = own ? "scratchnet" : "openblas";
    for (int threads : {1, a.threads}) {
      set_num_threads(threads);
      for (const Case& c : cases) {
        std::vector<float> A(c.m * c.k, 0.5f), B(c.k * c.n, 0.25f), C(c.m * c.n);
        const double flops = 2.0 * static_cast<double>(c.m * c.n * c.k);
        const int reps = static_cast<int>(std::max(3.0, 2e9 / flops));
        double best = 1e30;
        for (int r = 0; r < reps + 2; ++r) {
          const auto start = Clock::now();
          gemm<float>(Trans::kNo, Trans::kNo, c.m, c.n, c.k, 1.0f, A.data(), c.k, B.data(), c.n, 0.0f,
                      C.data(), c.n);
          best = std::min(best, seconds_since(start));
        }
        out += fmt::format(R"(, "{}_{}_{}t_gflops": {:.1f})", label, c.name, threads, flops / best * 1e-9);
      }
    }
  }
  set_kernel_isa(best_isa);
  for (int threads : {1, a.threads})
    out += fmt::format(R"(, "fma_peak_{}t_gflops": {:.1f})", threads, fma_peak_gflops(threads));
  // One-sample inference's weights (784-256-128-10: 235,146 floats), split over the threads.
  constexpr std::size_t kInferenceWeightBytes = 235146 * sizeof(float);
  for (int threads : {1, a.threads})
    out += fmt::format(R"(, "weights_read_{}t_gbps": {:.1f})", threads,
                       read_gbps(threads, kInferenceWeightBytes / static_cast<std::size_t>(threads)));
  fmt::print("{}, \"kernels\": \"{}\"}}\n", out, best_isa);
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Args a = parse(argc, argv);
    if (a.workload == "sgemm") sgemm_peak(a);
    else if (a.workload == "infer") inference(a);
    else if (a.workload == "export-arem") export_arem(a);
    else if (a.workload == "steps") step_times(a);
    else train_workload(a);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_train: %s\n", e.what());
    return 1;
  }
  return 0;
}
