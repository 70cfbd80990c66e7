#include "scratchnet/core/kernels.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <thread>
#include <type_traits>

#include "kernels_internal.h"
#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

CBLAS_TRANSPOSE to_cblas(Trans t) { return t == Trans::kYes ? CblasTrans : CblasNoTrans; }

// ---------------------------------------------------------------- plain loops
// The generic kernels, for double (the gradient checker) and for CPUs without
// AVX2. The vectorised ones (kernels_isa.h) follow the same operation order.

template <class T>
void add_row_vector_loop(T* y, const T* bias, std::size_t n, std::size_t d) {
  for (std::size_t r = 0; r < n; ++r) {
    T* row = y + r * d;
    for (std::size_t c = 0; c < d; ++c) row[c] += bias[c];
  }
}

template <class T>
void column_sums_loop(const T* x, std::size_t n, std::size_t d, T* out) {
  for (std::size_t r = 0; r < n; ++r) {
    const T* row = x + r * d;
    for (std::size_t c = 0; c < d; ++c) out[c] += row[c];
  }
}

template <class T>
void relu_forward_loop(const T* x, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > T(0) ? x[i] : T(0);
}
template <class T>
void relu_backward_loop(const T* x, const T* dy, T* dx, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > T(0) ? dy[i] : T(0);
}
template <class T>
void leaky_relu_forward_loop(const T* x, T* y, std::size_t n, T alpha) {
  for (std::size_t i = 0; i < n; ++i) y[i] = x[i] > T(0) ? x[i] : alpha * x[i];
}
template <class T>
void leaky_relu_backward_loop(const T* x, const T* dy, T* dx, std::size_t n, T alpha) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = x[i] > T(0) ? dy[i] : dy[i] * alpha;
}
// Without overflow for large |x|: the form whose exponent is negative.
template <class T>
void sigmoid_forward_loop(const T* x, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    if (x[i] >= T(0)) {
      y[i] = T(1) / (T(1) + std::exp(-x[i]));
    } else {
      const T e = std::exp(x[i]);
      y[i] = e / (T(1) + e);
    }
  }
}
template <class T>
void sigmoid_backward_loop(const T* y, const T* dy, T* dx, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (y[i] * (T(1) - y[i]));
}
template <class T>
void tanh_forward_loop(const T* x, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = std::tanh(x[i]);
}
template <class T>
void tanh_backward_loop(const T* y, const T* dy, T* dx, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) dx[i] = dy[i] * (T(1) - y[i] * y[i]);
}
template <class T>
void exp_loop(const T* x, T* y, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

constexpr detail::FloatKernels kGeneric = {
    "generic",
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    &add_row_vector_loop<float>,
    &column_sums_loop<float>,
    &relu_forward_loop<float>,
    &relu_backward_loop<float>,
    &leaky_relu_forward_loop<float>,
    &leaky_relu_backward_loop<float>,
    &sigmoid_forward_loop<float>,
    &sigmoid_backward_loop<float>,
    &tanh_forward_loop<float>,
    &tanh_backward_loop<float>,
    &exp_loop<float>,
};

// ---------------------------------------------------------------- dispatch

int g_threads = 1;

// The kernels of instruction set `isa` if this CPU runs them, else null.
const detail::FloatKernels* kernels_for(const std::string& isa) {
  if (isa == "generic") return &kGeneric;
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  if (isa == "avx2" && detail::kAvx2Kernels && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    return detail::kAvx2Kernels;
  if (isa == "avx512" && detail::kAvx512Kernels && __builtin_cpu_supports("avx512f") &&
      __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx512dq") &&
      __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("fma"))
    return detail::kAvx512Kernels;
#endif
  return nullptr;
}

// The best the CPU runs, capped by $SCRATCHNET_ISA.
const detail::FloatKernels* startup_kernels() {
  openblas_set_num_threads(1);
  const char* cap = std::getenv("SCRATCHNET_ISA");
  const std::string limit = cap ? cap : "avx512";
  const detail::FloatKernels* chosen = &kGeneric;
  for (const char* isa : {"avx2", "avx512"}) {
    if (const auto* k = kernels_for(isa)) chosen = k;
    if (limit == isa) break;
  }
  return limit == "generic" ? &kGeneric : chosen;
}

const detail::FloatKernels* g_kernels = startup_kernels();

const detail::FloatKernels& kernels() { return *g_kernels; }

// OpenBLAS always runs single-threaded: with two threads it splits a product
// differently from one and the sums come out in another order, so results
// would depend on the thread count. Large products are split by
// blas_sgemm_rows instead, into row blocks that do not depend on it.
void configure_blas_threads() { openblas_set_num_threads(1); }

// Products of at least this many multiply-adds are cut into row blocks of
// kBlasBlockRows (the same threshold as the avx512 kernels'); the blocks run
// on the kernel threads. The cut depends on the shape only, so one thread
// and two give the same numbers; OpenBLAS re-packs op(B) per block, under 1%
// of the work at 128 rows.
constexpr std::size_t kBlasParallelMacs = std::size_t(1) << 25;
constexpr std::size_t kBlasBlockRows = 128;

void blas_sgemm_rows(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                     float alpha, const float* a, std::size_t lda, const float* b,
                     std::size_t ldb, float beta, float* c, std::size_t ldc) {
  auto block = [&](std::size_t i0, std::size_t rows) {
    // Row i of op(A) starts at a + i * lda, or at a + i when A is transposed.
    const float* a0 = a + (trans_a == Trans::kNo ? i0 * lda : i0);
    cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b), static_cast<int>(rows),
                static_cast<int>(n), static_cast<int>(k), alpha, a0, static_cast<int>(lda), b,
                static_cast<int>(ldb), beta, c + i0 * ldc, static_cast<int>(ldc));
  };
  if (m * n * k < kBlasParallelMacs || m <= kBlasBlockRows) {
    block(0, m);
    return;
  }
  parallel_for((m + kBlasBlockRows - 1) / kBlasBlockRows, [&](std::size_t chunk) {
    const std::size_t i0 = chunk * kBlasBlockRows;
    block(i0, std::min(kBlasBlockRows, m - i0));
  });
}

}  // namespace

// ---------------------------------------------------------------- entry points

template <>
void gemm<float>(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  if (const auto own = kernels().gemm) {
    own(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    return;
  }
  blas_sgemm_rows(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

template <>
void gemm<double>(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                  double alpha, const double* a, std::size_t lda, const double* b, std::size_t ldb,
                  double beta, double* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b), static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

template <class T>
void gemm_nt_accumulate(std::size_t batch, std::size_t m, std::size_t n, std::size_t k, const T* a,
                        std::size_t lda, std::size_t stride_a, const T* b, std::size_t ldb,
                        std::size_t stride_b, T* c, std::size_t ldc) {
  if constexpr (std::is_same_v<T, float>) {
    if (const auto own = kernels().gemm_nt_accumulate) {
      own(batch, m, n, k, a, lda, stride_a, b, ldb, stride_b, c, ldc);
      return;
    }
  }
  for (std::size_t s = 0; s < batch; ++s)
    gemm<T>(Trans::kNo, Trans::kYes, m, n, k, T(1), a + s * stride_a, lda, b + s * stride_b, ldb,
            T(1), c, ldc);
}
template void gemm_nt_accumulate<float>(std::size_t, std::size_t, std::size_t, std::size_t,
                                        const float*, std::size_t, std::size_t, const float*,
                                        std::size_t, std::size_t, float*, std::size_t);
template void gemm_nt_accumulate<double>(std::size_t, std::size_t, std::size_t, std::size_t,
                                         const double*, std::size_t, std::size_t, const double*,
                                         std::size_t, std::size_t, double*, std::size_t);

template <>
void add_row_vector<float>(float* y, const float* bias, std::size_t n, std::size_t d) {
  kernels().add_row_vector(y, bias, n, d);
}
template <>
void add_row_vector<double>(double* y, const double* bias, std::size_t n, std::size_t d) {
  add_row_vector_loop(y, bias, n, d);
}
template <>
void accumulate_column_sums<float>(const float* x, std::size_t n, std::size_t d, float* out) {
  kernels().column_sums(x, n, d, out);
}
template <>
void accumulate_column_sums<double>(const double* x, std::size_t n, std::size_t d, double* out) {
  column_sums_loop(x, n, d, out);
}

#define SCRATCHNET_UNARY(name)                                   \
  template <>                                                    \
  void name<float>(const float* x, float* y, std::size_t n) {    \
    kernels().name(x, y, n);                                     \
  }                                                              \
  template <>                                                    \
  void name<double>(const double* x, double* y, std::size_t n) { \
    name##_loop(x, y, n);                                        \
  }
#define SCRATCHNET_BINARY(name)                                                     \
  template <>                                                                       \
  void name<float>(const float* x, const float* dy, float* dx, std::size_t n) {     \
    kernels().name(x, dy, dx, n);                                                   \
  }                                                                                 \
  template <>                                                                       \
  void name<double>(const double* x, const double* dy, double* dx, std::size_t n) { \
    name##_loop(x, dy, dx, n);                                                      \
  }
SCRATCHNET_UNARY(relu_forward)
SCRATCHNET_BINARY(relu_backward)
SCRATCHNET_UNARY(sigmoid_forward)
SCRATCHNET_BINARY(sigmoid_backward)
SCRATCHNET_UNARY(tanh_forward)
SCRATCHNET_BINARY(tanh_backward)
#undef SCRATCHNET_UNARY
#undef SCRATCHNET_BINARY

template <>
void exp_values<float>(const float* x, float* y, std::size_t n) {
  kernels().exp_values(x, y, n);
}
template <>
void exp_values<double>(const double* x, double* y, std::size_t n) {
  exp_loop(x, y, n);
}

template <>
void leaky_relu_forward<float>(const float* x, float* y, std::size_t n, float alpha) {
  kernels().leaky_relu_forward(x, y, n, alpha);
}
template <>
void leaky_relu_forward<double>(const double* x, double* y, std::size_t n, double alpha) {
  leaky_relu_forward_loop(x, y, n, alpha);
}
template <>
void leaky_relu_backward<float>(const float* x, const float* dy, float* dx, std::size_t n,
                                float alpha) {
  kernels().leaky_relu_backward(x, dy, dx, n, alpha);
}
template <>
void leaky_relu_backward<double>(const double* x, const double* dy, double* dx, std::size_t n,
                                 double alpha) {
  leaky_relu_backward_loop(x, dy, dx, n, alpha);
}

bool im2col_vectorised(const ImageWindow& g, const float* image, float* col, std::size_t ld) {
  if (g.stride != 1 || !kernels().im2col_stride1) return false;
  kernels().im2col_stride1(g, image, col, ld);
  return true;
}
bool col2im_add_vectorised(const ImageWindow& g, const float* col, std::size_t ld, float* image) {
  if (g.stride != 1 || !kernels().col2im_add_stride1) return false;
  kernels().col2im_add_stride1(g, col, ld, image);
  return true;
}
bool max_pool_2x2(const float* x, float* y, std::uint32_t* argmax, std::size_t planes,
                  std::size_t height, std::size_t width) {
  if (!kernels().max_pool_2x2) return false;
  kernels().max_pool_2x2(x, y, argmax, planes, height, width);
  return true;
}


void set_num_threads(int threads) {
  if (threads < 1) throw_usage("threads must be at least 1, got {}", threads);
  g_threads = threads;
  configure_blas_threads();
}

int num_threads() { return g_threads; }

int default_thread_count(int parallel_jobs) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  // Processes of an mpirun job on this host (Open MPI, then MPICH, name it).
  int local_processes = 1;
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_SIZE", "MPI_LOCALNRANKS"})
    if (const char* v = std::getenv(name)) {
      local_processes = std::max(1, std::atoi(v));
      break;
    }
  return std::max(1, cores / (std::max(1, parallel_jobs) * local_processes));
}

std::string kernel_isa() { return kernels().name; }

bool set_kernel_isa(const std::string& isa) {
  const detail::FloatKernels* k = kernels_for(isa);
  if (!k) return false;
  g_kernels = k;
  configure_blas_threads();
  return true;
}

}  // namespace scratchnet
