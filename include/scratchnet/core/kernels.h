#pragma once
// Numerical kernels shared by the layers: matrix multiply (through OpenBLAS)
// and the few row/column reductions the dense layers need. Pointers address
// row-major matrices; leading dimensions are in elements.

#include <cstddef>

namespace scratchnet {

enum class Trans { kNo, kYes };

// C = alpha * op(A) * op(B) + beta * C, with op(A) m x k and op(B) k x n.
template <class T>
void gemm(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k, T alpha,
          const T* a, std::size_t lda, const T* b, std::size_t ldb, T beta, T* c,
          std::size_t ldc);

// y[r, :] += bias for every row r of the n x d matrix y.
template <class T>
void add_row_vector(T* y, const T* bias, std::size_t n, std::size_t d);

// out[c] += sum over rows r of x[r, c], x is n x d.
template <class T>
void accumulate_column_sums(const T* x, std::size_t n, std::size_t d, T* out);

// Threads used by the matrix kernels. Defaults to 1: the models scratchnet
// trains on tabular data are too small for a second thread to pay.
void set_num_threads(int threads);
int num_threads();

}  // namespace scratchnet
