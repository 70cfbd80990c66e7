#pragma once
// Numerical kernels shared by the layers and optimizers: matrix multiply,
// row/column reductions and activations (each optimizer owns its update
// rule: see optim/). Pointers address
// row-major matrices; leading dimensions are in elements.
//
// Float kernels run on the best instruction set of the CPU, chosen once at
// start-up (runtime dispatch: one binary runs everywhere):
//   avx512   own AVX-512 kernels, matrix multiply included (a register-blocked
//            micro-kernel reading the operands in place, no packing except
//            op(B) = B^T, which is transposed into a thread-local buffer)
//   avx2     AVX2+FMA elementwise kernels; matrix multiply through OpenBLAS
//   generic  plain loops; matrix multiply through OpenBLAS
// Double kernels (the gradient checker runs every layer in double) are the
// plain loops with OpenBLAS's dgemm. Exponentials in the float activations
// use a vectorised e^x within about 1 ulp of std::exp (see exp_values).
//
// Every kernel of scratchnet's own computes each output element by the same
// sequence of operations whatever the thread count or the element's
// position, so the same seed gives the same numbers with 1 or N threads
// (where OpenBLAS does the matrix products, its threads may change the last
// bits of a product).

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>

#include "scratchnet/core/export.h"

namespace scratchnet {

enum class Trans { kNo, kYes };

// C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n.
// With beta = 0, C is not read (it may hold anything, NaN included).
template <class T>
SCRATCHNET_API void gemm(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k,
                         T alpha, const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta,
                         T* c, std::size_t ldc);

// C (m x n) += sum over s < batch of A_s B_s^T, with A_s = a + s * stride_a
// (m x k, row-major, lda) and B_s = b + s * stride_b (n x k, ldb): the weight
// gradient of a convolution, dW += sum_s dy_s col_s^T, in one call. The
// avx512 kernel keeps each output's sum in registers across the samples
// (dot products along k), so nothing is transposed.
template <class T>
SCRATCHNET_API void gemm_nt_accumulate(std::size_t batch, std::size_t m, std::size_t n,
                                       std::size_t k, const T* a, std::size_t lda,
                                       std::size_t stride_a, const T* b, std::size_t ldb,
                                       std::size_t stride_b, T* c, std::size_t ldc);

// The image side of a convolution or pooling window (layers/conv2d.h's
// ConvGeometry): input (channels, height, width), a kernel x kernel window at
// `stride` with `padding` zeros on every side, output out_height x out_width.
struct SCRATCHNET_API ImageWindow {
  std::size_t channels, height, width, kernel, stride, padding, out_height, out_width;
};
// Vectorised forms of layers/conv2d.h's im2col and col2im_add (stride 1)
// and of 2 x 2 max pooling at stride 2 (y (planes, height / 2, width / 2)
// and, for each output, the index in its plane of its window's maximum, the
// first of equal ones in row order). Each returns false, doing nothing, when
// there is no vectorised kernel for the case; the caller then runs its loops.
SCRATCHNET_API bool im2col_vectorised(const ImageWindow& g, const float* image, float* col,
                                      std::size_t ld);
SCRATCHNET_API bool col2im_add_vectorised(const ImageWindow& g, const float* col, std::size_t ld,
                                          float* image);
SCRATCHNET_API bool max_pool_2x2(const float* x, float* y, std::uint32_t* argmax,
                                 std::size_t planes, std::size_t height, std::size_t width);

// y[r, :] += bias for every row r of the n x d matrix y.
template <class T>
SCRATCHNET_API void add_row_vector(T* y, const T* bias, std::size_t n, std::size_t d);

// out[c] += sum over rows r of x[r, c], x is n x d.
template <class T>
SCRATCHNET_API void accumulate_column_sums(const T* x, std::size_t n, std::size_t d, T* out);

// Activations over n values, forward y = f(x) and backward dx = dy * f'(.).
// Outputs may alias their inputs (y == x, dx == dy).
template <class T>
SCRATCHNET_API void relu_forward(const T* x, T* y, std::size_t n);
// dx = dy where x > 0, else 0 (x may be the forward's output: same sign).
template <class T>
SCRATCHNET_API void relu_backward(const T* x, const T* dy, T* dx, std::size_t n);
template <class T>
SCRATCHNET_API void leaky_relu_forward(const T* x, T* y, std::size_t n, T alpha);
template <class T>
SCRATCHNET_API void leaky_relu_backward(const T* x, const T* dy, T* dx, std::size_t n, T alpha);
template <class T>
SCRATCHNET_API void sigmoid_forward(const T* x, T* y, std::size_t n);
// dx = dy * y (1 - y), from the forward's output y.
template <class T>
SCRATCHNET_API void sigmoid_backward(const T* y, const T* dy, T* dx, std::size_t n);
template <class T>
SCRATCHNET_API void tanh_forward(const T* x, T* y, std::size_t n);
// dx = dy * (1 - y^2), from the forward's output y.
template <class T>
SCRATCHNET_API void tanh_backward(const T* y, const T* dy, T* dx, std::size_t n);
// y = e^x (float: the vectorised approximation, within 1e-6 relative of
// std::exp where the result is a normal float; 0 and inf where std::exp
// underflows or overflows).
template <class T>
SCRATCHNET_API void exp_values(const T* x, T* y, std::size_t n);

// Threads used by the matrix kernels (and the convolution layers' samples).
// Defaults to 1: the models scratchnet trains on tabular data are too small
// for a second thread to pay. With more, work is split only where it was
// measured to gain: matrix products of 2^25 (33M) multiply-adds or more, so
// small models run on one thread whatever the setting; elementwise kernels
// and optimizer updates always run on one (on the 2-core machine of bench/,
// moving their arrays between the cores' caches cost more than it saved).
// One pool: OpenBLAS stays single-threaded (where it does the products,
// without AVX-512, large ones are cut into row blocks for the pool). Every
// split depends on the shapes only, never on the thread count, so any
// number of threads gives the same numbers, bit for bit.
SCRATCHNET_API void set_num_threads(int threads);
SCRATCHNET_API int num_threads();
// The thread count a run uses by default: the machine's cores divided among
// `parallel_jobs` jobs running side by side and the processes of an mpirun
// job on this host, at least 1 (the machine is never oversubscribed).
SCRATCHNET_API int default_thread_count(int parallel_jobs = 1);

namespace detail {
SCRATCHNET_API void run_chunks(int chunks, void (*body)(void*, int), void* context);
}  // namespace detail

// Calls f(i) for i = 0 .. count-1, spread over num_threads() threads: the
// calling thread and the kernels' pool claim indices one at a time, so an
// index may run on any thread, in any order, but each exactly once; returns
// when all are done. Called from inside another parallel_for (or while
// another thread of the program uses the pool), it runs f(0), f(1), ... on
// the calling thread. Kernels called from f run single-threaded then.
template <class F>
void parallel_for(std::size_t count, F&& f) {
  auto body = [](void* context, int i) {
    (*static_cast<std::remove_reference_t<F>*>(context))(static_cast<std::size_t>(i));
  };
  detail::run_chunks(static_cast<int>(count), body, &f);
}
// Inside parallel_for: which of the num_threads() threads runs this call
// (0 for the calling thread), e.g. to pick a per-thread scratch buffer.
// 0 outside.
SCRATCHNET_API int current_thread();

// The instruction set of the float kernels: "avx512", "avx2" or "generic".
// The environment variable SCRATCHNET_ISA (same names) lowers the start-up
// choice. set_kernel_isa switches (tests and benchmarks compare the paths);
// it returns false, changing nothing, when the CPU lacks that instruction set.
SCRATCHNET_API std::string kernel_isa();
SCRATCHNET_API bool set_kernel_isa(const std::string& isa);

}  // namespace scratchnet
