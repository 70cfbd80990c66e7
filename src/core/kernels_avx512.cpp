// The float kernels for AVX-512 CPUs, selected at run time (kernels.cpp):
// the elementwise kernels of kernels_isa.h and an own matrix multiply.
// Everything after the pragma is compiled for AVX-512; the standard and
// intrinsic headers come first so none of their inline functions is.
//
// Matrix multiply C = alpha op(A) op(B) + beta C. The output is cut into
// tiles of up to 6 rows x 64 columns (4 registers of 16 floats; 1-2 rows x
// 128 columns when A has at most 2 rows, so that 8 or more independent sums
// hide the FMA latency). A tile keeps its 24 sums in registers while p runs
// over k: load the row p of op(B) (4 registers), broadcast op(A)[r, p] for
// each row r, multiply-add. Both operands are read where they lie -- op(A)
// rows (NN) or columns (TN) through strides, op(B) rows contiguously -- so
// there is no packing, which is what costs a library GEMM most on the small
// and skinny products of a training step; only op(B) = B^T (NT) is
// transposed first into a thread-local buffer. Partial tiles use masked
// loads and stores. Each output element is one chain of FMAs over p in
// order, whatever tile or thread computes it.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12 warns inside its own AVX-512 intrinsics (_mm512_undefined_ps, GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

namespace scratchnet::avx512 {
namespace {

// The buffer for op(B) = B^T, allocated outside the AVX-512 code.
float* transpose_buffer(std::size_t floats) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < floats) buffer.resize(floats);
  return buffer.data();
}

}  // namespace
}  // namespace scratchnet::avx512

#if defined(__clang__)
#pragma clang attribute push(                                                        \
    __attribute__((target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,bmi,bmi2"))), \
    apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq,avx512bw,avx2,fma,bmi,bmi2")
#endif
#define SCRATCHNET_SIMD_AVX512

namespace scratchnet::avx512 {
namespace {
#include "simd.h"
// (after simd.h: written over its wrappers)
#include "kernels_isa.h"

constexpr std::size_t smin(std::size_t a, std::size_t b) { return a < b ? a : b; }

constexpr int kRows = 6;      // rows of a full tile
constexpr int kVecs = 4;      // registers of 16 columns in a full tile
constexpr int kWideVecs = 8;  // ... when op(A) has at most 2 rows
// Products of fewer multiply-adds than this run on one thread. Measured on
// the 2-core machine of bench/ (784-256-128-10 MLP): a second core pays for
// the products of batch 1024 (205M and 34M multiply-adds) but not for those
// of batch 128 (26M: 695 -> 787 us per training step with every product of
// 1M or more split), where moving each layer's data between the two cores'
// caches (weights, gradients, Adam's state: about 4 MB per step) costs more
// than the second core saves.
constexpr std::size_t kParallelMacs = std::size_t(1) << 25;
// ... and op(B) of fewer values than this, when A has 1 or 2 rows.
constexpr std::size_t kParallelStream = std::size_t(1) << 17;
// Rows of a chunk of work for the thread pool (4 tiles).
constexpr std::size_t kChunkRows = 4 * kRows;
// Depth (k) of a pass over the output: op(B)'s rows of one pass, 64 columns
// wide, take 64 KB at most (a full-width pass over n = 256 columns: 256 KB).
constexpr std::size_t kDepth = 256;

using TileFn = void (*)(std::size_t k, const float* a, std::size_t lda, const float* b,
                        std::size_t ldb, float* c, std::size_t ldc, int cols, float alpha,
                        float beta);

// One tile: C[0..MR) x [0..cols) = alpha sum_p op(A)[r, p] B[p, :] + beta C, cols <= 16 NV.
// op(A)[r, p] = a[r lda + p] (NN), or a[p lda + r] when kTransA; B[p, j] = b[p ldb + j].
// Every loop over registers is unrolled before the compiler decides where the
// sums live: that keeps all of them in registers (left to itself, GCC 12
// stores each one back to the stack on every step of p).
#define SCRATCHNET_UNROLL _Pragma("GCC unroll 16")
template <int MR, int NV, bool kTransA>
void tile(std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb, float* c,
          std::size_t ldc, int cols, float alpha, float beta) {
  __mmask16 mask[NV];
  SCRATCHNET_UNROLL
  for (int v = 0; v < NV; ++v) {
    const int count = cols - 16 * v;
    mask[v] = count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1u);
  }
  __m512 acc[MR][NV];
  SCRATCHNET_UNROLL
  for (int r = 0; r < MR; ++r) {
    SCRATCHNET_UNROLL
    for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_setzero_ps();
  }
  for (std::size_t p = 0; p < k; ++p) {
    __m512 bv[NV];
    const float* brow = b + p * ldb;
    SCRATCHNET_UNROLL
    for (int v = 0; v < NV; ++v) bv[v] = _mm512_maskz_loadu_ps(mask[v], brow + 16 * v);
    SCRATCHNET_UNROLL
    for (int r = 0; r < MR; ++r) {
      const __m512 ar = _mm512_set1_ps(kTransA ? a[p * lda + r] : a[r * lda + p]);
      SCRATCHNET_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = _mm512_fmadd_ps(ar, bv[v], acc[r][v]);
    }
  }
  const __m512 va = _mm512_set1_ps(alpha), vb = _mm512_set1_ps(beta);
  SCRATCHNET_UNROLL
  for (int r = 0; r < MR; ++r) {
    float* crow = c + r * ldc;
    SCRATCHNET_UNROLL
    for (int v = 0; v < NV; ++v) {
      __m512 out = alpha == 1.0f ? acc[r][v] : _mm512_mul_ps(va, acc[r][v]);
      if (beta == 1.0f)
        out = _mm512_add_ps(out, _mm512_maskz_loadu_ps(mask[v], crow + 16 * v));
      else if (beta != 0.0f)
        out = _mm512_fmadd_ps(vb, _mm512_maskz_loadu_ps(mask[v], crow + 16 * v), out);
      _mm512_mask_storeu_ps(crow + 16 * v, mask[v], out);
    }
  }
}
#undef SCRATCHNET_UNROLL

// tiles[rows][vecs]: the tile function for a tile of that many rows and registers.
#define SCRATCHNET_TILE_ROW(MR, T)                                                                 \
  {                                                                                                \
    nullptr, &tile<MR, 1, T>, &tile<MR, 2, T>, &tile<MR, 3, T>, &tile<MR, 4, T>, nullptr, nullptr, \
        nullptr, nullptr                                                                           \
  }
#define SCRATCHNET_WIDE_ROW(MR, T)                                                                \
  {                                                                                               \
    nullptr, &tile<MR, 1, T>, &tile<MR, 2, T>, &tile<MR, 3, T>, &tile<MR, 4, T>, &tile<MR, 5, T>, \
        &tile<MR, 6, T>, &tile<MR, 7, T>, &tile<MR, 8, T>                                         \
  }
template <bool T>
constexpr TileFn kTiles[kRows + 1][kWideVecs + 1] = {{},
                                                     SCRATCHNET_WIDE_ROW(1, T),
                                                     SCRATCHNET_WIDE_ROW(2, T),
                                                     SCRATCHNET_TILE_ROW(3, T),
                                                     SCRATCHNET_TILE_ROW(4, T),
                                                     SCRATCHNET_TILE_ROW(5, T),
                                                     SCRATCHNET_TILE_ROW(6, T)};
#undef SCRATCHNET_TILE_ROW
#undef SCRATCHNET_WIDE_ROW

struct Product {
  bool trans_a;
  std::size_t k;
  const float* a;
  std::size_t lda;
  const float* b;
  std::size_t ldb;
  float* c;
  std::size_t ldc;
  float alpha, beta;
  int vecs;  // registers per full tile
};

// The tiles of rows [i0, i1) x columns [j0, j1).
// The tiles of rows [i0, i1) x columns [j0, j1), k in blocks of kDepth: a
// block's rows of op(B) stay in the core's cache while every row tile of the
// range passes over them (the next block adds to the sums stored by the
// last, so each output is the same chain of operations on any thread).
void run_block(const Product& g, std::size_t i0, std::size_t i1, std::size_t j0, std::size_t j1) {
  const std::size_t width = 16 * static_cast<std::size_t>(g.vecs);
  for (std::size_t p = 0; p < g.k; p += kDepth) {
    const std::size_t depth = smin(kDepth, g.k - p);
    const float beta = p == 0 ? g.beta : 1.0f;
    const float* b = g.b + p * g.ldb;
    for (std::size_t i = i0; i < i1; i += kRows) {
      const int rows = static_cast<int>(smin(kRows, i1 - i));
      const float* a = g.trans_a ? g.a + p * g.lda + i : g.a + i * g.lda + p;
      for (std::size_t j = j0; j < j1; j += width) {
        const int cols = static_cast<int>(smin(width, j1 - j));
        const int vecs = (cols + 15) / 16;
        const TileFn fn = g.trans_a ? kTiles<true>[rows][vecs] : kTiles<false>[rows][vecs];
        fn(depth, a, g.lda, b + j, g.ldb, g.c + i * g.ldc + j, g.ldc, cols, g.alpha, beta);
      }
    }
  }
}

void gemm(Trans trans_a, Trans trans_b, std::size_t m, std::size_t n, std::size_t k, float alpha,
          const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta, float* c,
          std::size_t ldc) {
  if (m == 0 || n == 0) return;
  if (k == 0 || alpha == 0.0f) {
    for (std::size_t i = 0; i < m; ++i)
      for (std::size_t j = 0; j < n; ++j)
        c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return;
  }
  if (trans_b == Trans::kYes) {
    // op(B) = B^T: B is n x k; lay out its transpose k x n, rows padded to 16.
    const std::size_t ld = (n + 15) / 16 * 16;
    float* bt = transpose_buffer(k * ld);
    transpose(b, ldb, n, k, bt, ld);
    b = bt;
    ldb = ld;
  }
  const Product g{trans_a == Trans::kYes,    k, a, lda, b, ldb, c, ldc, alpha, beta,
                  m <= 2 ? kWideVecs : kVecs};
  // Thin products (one or two rows of A: single-sample inference) are
  // bound by streaming op(B) from cache; two threads each stream their half.
  const bool thin = m <= 2 && n * k >= kParallelStream && n >= 256;
  if ((m * n * k < kParallelMacs && !thin) || num_threads() <= 1) {
    run_block(g, 0, m, 0, n);
    return;
  }
  // Chunks for the threads: 64 columns by up to kChunkRows rows, in column
  // order so that threads share op(B)'s panel. (Small chunks keep a worker
  // that the OS has not scheduled from holding up the caller for long.)
  const std::size_t width = 16 * static_cast<std::size_t>(kVecs);
  const std::size_t row_chunks = (m + kChunkRows - 1) / kChunkRows;
  const std::size_t chunks = row_chunks * ((n + width - 1) / width);
  parallel_for(chunks, [&](std::size_t chunk) {
    const std::size_t i0 = chunk % row_chunks * kChunkRows;
    const std::size_t j0 = chunk / row_chunks * width;
    run_block(g, i0, smin(m, i0 + kChunkRows), j0, smin(n, j0 + width));
  });
}

// ---------------------------------------------------------------- batched A B^T

// C[0..MR) x [0..NB) += sum_s sum_p A_s[r, p] B_s[j, p]: MR x NB sums of 16
// lanes each, kept in registers over p and the samples, added up at the end.
template <int MR, int NB>
void dot_tile(std::size_t batch, std::size_t k, const float* a, std::size_t lda,
              std::size_t stride_a, const float* b, std::size_t ldb, std::size_t stride_b, float* c,
              std::size_t ldc) {
#define SCRATCHNET_UNROLL _Pragma("GCC unroll 16")
  __m512 acc[MR][NB];
  SCRATCHNET_UNROLL
  for (int r = 0; r < MR; ++r) {
    SCRATCHNET_UNROLL
    for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_setzero_ps();
  }
  const std::size_t full = k / 16 * 16;
  const auto tail = static_cast<__mmask16>((1u << (k - full)) - 1u);
  for (std::size_t s = 0; s < batch; ++s) {
    const float* as = a + s * stride_a;
    const float* bs = b + s * stride_b;
    for (std::size_t p = 0; p < full; p += 16) {
      __m512 bv[NB];
      SCRATCHNET_UNROLL
      for (int j = 0; j < NB; ++j) bv[j] = _mm512_loadu_ps(bs + j * ldb + p);
      SCRATCHNET_UNROLL
      for (int r = 0; r < MR; ++r) {
        const __m512 av = _mm512_loadu_ps(as + r * lda + p);
        SCRATCHNET_UNROLL
        for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_fmadd_ps(av, bv[j], acc[r][j]);
      }
    }
    if (tail) {
      __m512 bv[NB];
      SCRATCHNET_UNROLL
      for (int j = 0; j < NB; ++j) bv[j] = _mm512_maskz_loadu_ps(tail, bs + j * ldb + full);
      SCRATCHNET_UNROLL
      for (int r = 0; r < MR; ++r) {
        const __m512 av = _mm512_maskz_loadu_ps(tail, as + r * lda + full);
        SCRATCHNET_UNROLL
        for (int j = 0; j < NB; ++j) acc[r][j] = _mm512_fmadd_ps(av, bv[j], acc[r][j]);
      }
    }
  }
  SCRATCHNET_UNROLL
  for (int r = 0; r < MR; ++r) {
    SCRATCHNET_UNROLL
    for (int j = 0; j < NB; ++j) c[r * ldc + j] += _mm512_reduce_add_ps(acc[r][j]);
  }
#undef SCRATCHNET_UNROLL
}

constexpr int kDotRows = 6, kDotCols = 4;
using DotFn = void (*)(std::size_t, std::size_t, const float*, std::size_t, std::size_t,
                       const float*, std::size_t, std::size_t, float*, std::size_t);
#define SCRATCHNET_DOT_ROW(MR) \
  { nullptr, &dot_tile<MR, 1>, &dot_tile<MR, 2>, &dot_tile<MR, 3>, &dot_tile<MR, 4> }
constexpr DotFn kDotTiles[kDotRows + 1][kDotCols + 1] = {{},
                                                         SCRATCHNET_DOT_ROW(1),
                                                         SCRATCHNET_DOT_ROW(2),
                                                         SCRATCHNET_DOT_ROW(3),
                                                         SCRATCHNET_DOT_ROW(4),
                                                         SCRATCHNET_DOT_ROW(5),
                                                         SCRATCHNET_DOT_ROW(6)};
#undef SCRATCHNET_DOT_ROW

void gemm_nt_accumulate(std::size_t batch, std::size_t m, std::size_t n, std::size_t k,
                        const float* a, std::size_t lda, std::size_t stride_a, const float* b,
                        std::size_t ldb, std::size_t stride_b, float* c, std::size_t ldc) {
  if (m == 0 || n == 0 || k == 0 || batch == 0) return;
  const std::size_t row_tiles = (m + kDotRows - 1) / kDotRows;
  const std::size_t tiles = row_tiles * ((n + kDotCols - 1) / kDotCols);
  auto run = [&](std::size_t t) {
    const std::size_t i = t % row_tiles * kDotRows, j = t / row_tiles * kDotCols;
    const auto rows = static_cast<int>(smin(kDotRows, m - i));
    const auto cols = static_cast<int>(smin(kDotCols, n - j));
    kDotTiles[rows][cols](batch, k, a + i * lda, lda, stride_a, b + j * ldb, ldb, stride_b,
                          c + i * ldc + j, ldc);
  };
  if (batch * m * n * k < kParallelMacs || num_threads() <= 1) {
    for (std::size_t t = 0; t < tiles; ++t) run(t);
  } else {
    parallel_for(tiles, run);
  }
}

// ---------------------------------------------------------------- images

__mmask16 lanes(std::ptrdiff_t from, std::ptrdiff_t to) {  // bits [from, to) of 16, clamped
  from = from < 0 ? 0 : from;
  to = to > 16 ? 16 : to;
  return from >= to ? __mmask16(0) : __mmask16(((1u << to) - 1u) & ~((1u << from) - 1u));
}

// p + offset floats, computed on the address: the masked loads and stores
// below may start before a row (their lanes there are masked off).
template <class T>
T* offset(T* p, std::ptrdiff_t floats) {
  return reinterpret_cast<T*>(reinterpret_cast<std::uintptr_t>(p) +
                              static_cast<std::uintptr_t>(floats * 4));
}

// Row (c, ki, kj) of col, output row oh, holds input row ih = oh + ki - pad
// from column ow + kj - pad: valid for ow in [lo, hi), zero elsewhere (and
// all zero when ih is outside the image). 16 output columns per load/store;
// their masks depend on kj and the column block only, so they are set once
// per block and the loop over output rows is a load and a store.
void im2col_stride1(const ImageWindow& g, const float* image, float* col, std::size_t ld) {
  const auto k = static_cast<std::ptrdiff_t>(g.kernel),
             pad = static_cast<std::ptrdiff_t>(g.padding);
  const auto height = static_cast<std::ptrdiff_t>(g.height),
             width = static_cast<std::ptrdiff_t>(g.width);
  const auto oh_n = static_cast<std::ptrdiff_t>(g.out_height),
             ow_n = static_cast<std::ptrdiff_t>(g.out_width);
  for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(g.channels); ++c) {
    const float* plane = image + c * height * width;
    for (std::ptrdiff_t ki = 0; ki < k; ++ki) {
      // Output rows [top, bottom) read input rows inside the image.
      const std::ptrdiff_t top = pad - ki > 0 ? pad - ki : 0;
      const std::ptrdiff_t end = height + pad - ki < oh_n ? height + pad - ki : oh_n;
      const std::ptrdiff_t bottom = end > top ? end : top;
      for (std::ptrdiff_t kj = 0; kj < k; ++kj) {
        float* out = col + static_cast<std::size_t>((c * k + ki) * k + kj) * ld;
        const std::ptrdiff_t shift = kj - pad;
        for (std::ptrdiff_t ow = 0; ow < ow_n; ow += 16) {
          const __mmask16 store = lanes(0, ow_n - ow);
          const __mmask16 valid = lanes(-shift - ow, width - shift - ow) & store;
          float* o = out + ow;
          const float* src = offset(plane, (top + ki - pad) * width + shift + ow);
          const __m512 zero = _mm512_setzero_ps();
          for (std::ptrdiff_t oh = 0; oh < top; ++oh)
            _mm512_mask_storeu_ps(o + oh * ow_n, store, zero);
          for (std::ptrdiff_t oh = top; oh < bottom; ++oh, src += width)
            _mm512_mask_storeu_ps(o + oh * ow_n, store, _mm512_maskz_loadu_ps(valid, src));
          for (std::ptrdiff_t oh = bottom; oh < oh_n; ++oh)
            _mm512_mask_storeu_ps(o + oh * ow_n, store, zero);
        }
      }
    }
  }
}

// The adjoint: image[c, ih, iw] += col[(c, ki, kj), oh, iw - kj + pad] with
// ih = oh + ki - pad. For one (c, ki, oh) every kj adds into the same image
// row, so 16 pixels of it are loaded once, receive the k shifted col rows in
// registers and are stored once (adding into memory row after shifted row
// would stall on every load: the store it needs has not been forwarded).
// Each pixel receives its terms in the order (ki, kj) of the plain loops.
void col2im_add_stride1(const ImageWindow& g, const float* col, std::size_t ld, float* image) {
  const auto k = static_cast<std::ptrdiff_t>(g.kernel),
             pad = static_cast<std::ptrdiff_t>(g.padding);
  const auto height = static_cast<std::ptrdiff_t>(g.height),
             width = static_cast<std::ptrdiff_t>(g.width);
  const auto oh_n = static_cast<std::ptrdiff_t>(g.out_height),
             ow_n = static_cast<std::ptrdiff_t>(g.out_width);
  for (std::ptrdiff_t c = 0; c < static_cast<std::ptrdiff_t>(g.channels); ++c) {
    float* plane = image + c * height * width;
    for (std::ptrdiff_t ki = 0; ki < k; ++ki) {
      const float* rows = col + static_cast<std::size_t>((c * k + ki) * k) * ld;  // (c, ki, kj = 0)
      for (std::ptrdiff_t oh = 0; oh < oh_n; ++oh) {
        const std::ptrdiff_t ih = oh + ki - pad;
        if (ih < 0 || ih >= height) continue;
        float* dst = plane + ih * width;
        for (std::ptrdiff_t iw = 0; iw < width; iw += 16) {
          const __mmask16 row = lanes(0, width - iw);
          __m512 sum = _mm512_maskz_loadu_ps(row, dst + iw);
          for (std::ptrdiff_t kj = 0; kj < k; ++kj) {
            // pixel iw + lane takes output column ow = iw + lane - (kj - pad), if in [0, ow_n)
            const std::ptrdiff_t first = iw - (kj - pad);
            const float* in = rows + static_cast<std::size_t>(kj) * ld + oh * ow_n;
            const __mmask16 valid = row & lanes(-first, ow_n - first);
            sum = _mm512_mask_add_ps(sum, valid, sum,
                                     _mm512_maskz_loadu_ps(valid, offset(in, first)));
          }
          _mm512_mask_storeu_ps(dst + iw, row, sum);
        }
      }
    }
  }
}

// 16 outputs at a time: the two input rows of their windows are split into
// even and odd columns, then the four candidates are compared in row order,
// a later one winning only when strictly greater (as the plain loop).
void max_pool_2x2(const float* x, float* y, std::uint32_t* argmax, std::size_t planes,
                  std::size_t height, std::size_t width) {
  const std::size_t oh_n = height / 2, ow_n = width / 2;
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_add_epi32(even, _mm512_set1_epi32(1));
  for (std::size_t plane = 0; plane < planes; ++plane) {
    const float* in = x + plane * height * width;
    float* out = y + plane * oh_n * ow_n;
    std::uint32_t* arg = argmax + plane * oh_n * ow_n;
    for (std::size_t oh = 0; oh < oh_n; ++oh) {
      const float* r0 = in + 2 * oh * width;
      const float* r1 = r0 + width;
      for (std::size_t ow = 0; ow < ow_n; ow += 16) {
        const auto count = static_cast<std::ptrdiff_t>(smin(16, ow_n - ow));
        const __mmask16 first = lanes(0, 2 * count), second = lanes(0, 2 * count - 16);
        const __m512 a0 = _mm512_maskz_loadu_ps(first, r0 + 2 * ow);
        const __m512 a1 = _mm512_maskz_loadu_ps(second, r0 + 2 * ow + 16);
        const __m512 b0 = _mm512_maskz_loadu_ps(first, r1 + 2 * ow);
        const __m512 b1 = _mm512_maskz_loadu_ps(second, r1 + 2 * ow + 16);
        const __m512i i00 =
            _mm512_add_epi32(_mm512_set1_epi32(static_cast<int>(2 * oh * width + 2 * ow)), even);
        const __m512i one = _mm512_set1_epi32(1), row = _mm512_set1_epi32(static_cast<int>(width));
        __m512 best = _mm512_permutex2var_ps(a0, even, a1);
        __m512i where = i00;
        const __m512 candidates[3] = {_mm512_permutex2var_ps(a0, odd, a1),
                                      _mm512_permutex2var_ps(b0, even, b1),
                                      _mm512_permutex2var_ps(b0, odd, b1)};
        const __m512i places[3] = {_mm512_add_epi32(i00, one), _mm512_add_epi32(i00, row),
                                   _mm512_add_epi32(_mm512_add_epi32(i00, row), one)};
        for (int q = 0; q < 3; ++q) {
          const __mmask16 greater = _mm512_cmp_ps_mask(candidates[q], best, _CMP_GT_OQ);
          best = _mm512_mask_mov_ps(best, greater, candidates[q]);
          where = _mm512_mask_mov_epi32(where, greater, places[q]);
        }
        const __mmask16 store = lanes(0, count);
        _mm512_mask_storeu_ps(out + oh * ow_n + ow, store, best);
        _mm512_mask_storeu_epi32(arg + oh * ow_n + ow, store, where);
      }
    }
  }
}

constexpr detail::FloatKernels kTable = IsaKernels<Avx512>::table(
    "avx512", {&gemm, &gemm_nt_accumulate, &im2col_stride1, &col2im_add_stride1, &max_pool_2x2});

}  // namespace
}  // namespace scratchnet::avx512

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif

namespace scratchnet::detail {
const FloatKernels* const kAvx512Kernels = &avx512::kTable;
}  // namespace scratchnet::detail

#else
namespace scratchnet::detail {
const FloatKernels* const kAvx512Kernels = nullptr;
}  // namespace scratchnet::detail
#endif
