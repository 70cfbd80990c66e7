#pragma once
// Internal to the kernels: the table of float kernels one instruction set
// provides (kernels_avx2.cpp, kernels_avx512.cpp; kernels.cpp has the plain
// loops), and the thread pool (kernels_threads.cpp) they split work on.

#include <cstddef>
#include <cstdint>

#include "scratchnet/core/kernels.h"

namespace scratchnet::detail {

struct FloatKernels {
  const char* name;
  // Null: OpenBLAS does the matrix multiply.
  void (*gemm)(Trans, Trans, std::size_t, std::size_t, std::size_t, float, const float*,
               std::size_t, const float*, std::size_t, float, float*, std::size_t);
  // Null: a gemm per sample.
  void (*gemm_nt_accumulate)(std::size_t, std::size_t, std::size_t, std::size_t, const float*,
                             std::size_t, std::size_t, const float*, std::size_t, std::size_t,
                             float*, std::size_t);
  // Null: plain loops (stride-1 windows only; others always use the loops).
  void (*im2col_stride1)(const ImageWindow&, const float*, float*, std::size_t);
  void (*col2im_add_stride1)(const ImageWindow&, const float*, std::size_t, float*);
  void (*max_pool_2x2)(const float*, float*, std::uint32_t*, std::size_t, std::size_t, std::size_t);
  void (*add_row_vector)(float*, const float*, std::size_t, std::size_t);
  void (*column_sums)(const float*, std::size_t, std::size_t, float*);
  void (*relu_forward)(const float*, float*, std::size_t);
  void (*relu_backward)(const float*, const float*, float*, std::size_t);
  void (*leaky_relu_forward)(const float*, float*, std::size_t, float);
  void (*leaky_relu_backward)(const float*, const float*, float*, std::size_t, float);
  void (*sigmoid_forward)(const float*, float*, std::size_t);
  void (*sigmoid_backward)(const float*, const float*, float*, std::size_t);
  void (*tanh_forward)(const float*, float*, std::size_t);
  void (*tanh_backward)(const float*, const float*, float*, std::size_t);
  void (*exp_values)(const float*, float*, std::size_t);
};

// Defined only where the compiler can target the instruction set; null otherwise.
extern const FloatKernels* const kAvx2Kernels;
extern const FloatKernels* const kAvx512Kernels;

// run_chunks (declared in kernels.h, defined in kernels_threads.cpp) runs
// body(context, c) for every chunk c = 0 .. chunks-1 on the calling thread
// and the pool's num_threads() - 1 workers, and returns when all are done.
// Threads claim chunks one at a time from a shared counter, so a worker that
// the OS has not scheduled (another program busy on its core) delays
// nothing: the caller runs whatever is left and waits only for chunks
// already started.

}  // namespace scratchnet::detail

#if defined(__x86_64__) && defined(__GNUC__)
namespace scratchnet::avx512 {
// out (k x n, row-major, ld ldo) = the transpose of b (n x k, ld ldb); the
// CPU must have AVX-512 (transpose_avx512.cpp).
void transpose(const float* b, std::size_t ldb, std::size_t n, std::size_t k, float* out,
               std::size_t ldo);
}  // namespace scratchnet::avx512
#endif
