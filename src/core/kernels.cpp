#include "scratchnet/core/kernels.h"

#include <cblas.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

CBLAS_TRANSPOSE to_cblas(Trans t) { return t == Trans::kYes ? CblasTrans : CblasNoTrans; }

int g_threads = [] {
  openblas_set_num_threads(1);
  return 1;
}();

}  // namespace

template <>
void gemm<float>(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_sgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b), static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

template <>
void gemm<double>(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                  double alpha, const double* a, std::size_t lda, const double* b,
                  std::size_t ldb, double beta, double* c, std::size_t ldc) {
  if (m == 0 || n == 0) return;
  cblas_dgemm(CblasRowMajor, to_cblas(trans_a), to_cblas(trans_b), static_cast<int>(m),
              static_cast<int>(n), static_cast<int>(k), alpha, a, static_cast<int>(lda), b,
              static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

template <class T>
void add_row_vector(T* y, const T* bias, std::size_t n, std::size_t d) {
  for (std::size_t r = 0; r < n; ++r) {
    T* row = y + r * d;
    for (std::size_t c = 0; c < d; ++c) row[c] += bias[c];
  }
}

template <class T>
void accumulate_column_sums(const T* x, std::size_t n, std::size_t d, T* out) {
  for (std::size_t r = 0; r < n; ++r) {
    const T* row = x + r * d;
    for (std::size_t c = 0; c < d; ++c) out[c] += row[c];
  }
}

template void add_row_vector<float>(float*, const float*, std::size_t, std::size_t);
template void add_row_vector<double>(double*, const double*, std::size_t, std::size_t);
template void accumulate_column_sums<float>(const float*, std::size_t, std::size_t, float*);
template void accumulate_column_sums<double>(const double*, std::size_t, std::size_t, double*);

void set_num_threads(int threads) {
  if (threads < 1) throw_usage("threads must be at least 1, got {}", threads);
  g_threads = threads;
  openblas_set_num_threads(threads);
}

int num_threads() { return g_threads; }

}  // namespace scratchnet
