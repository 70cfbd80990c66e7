// The transpose that op(B) = B^T products start with (kernels_avx512.cpp),
// 16 x 16 blocks at a time in registers: four rounds of shuffles, masked
// loads and stores at the edges. The element-by-element loop it replaces
// took a quarter of a batch-1 AReM training step (dense backward's dx = dy
// W^T transposes each W). Moving values changes none of them: the products
// that follow compute exactly what they did.

#include <cstddef>

#include "kernels_internal.h"

#if defined(__x86_64__) && defined(__GNUC__)
// GCC 12 warns inside its own AVX-512 intrinsics (_mm512_undefined_ps, GCC bug 105593).
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <immintrin.h>

#if defined(__clang__)
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512dq"))), apply_to = function)
#else
#pragma GCC push_options
#pragma GCC target("avx512f,avx512vl,avx512dq")
#endif

namespace scratchnet::avx512 {
namespace {

__mmask16 first_lanes(std::size_t count) {
  return count >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << count) - 1u);
}

// The pairs of floats of a and b interleaved (low or high halves of each 128-bit lane).
__m512 lo(__m512 a, __m512 b) {
  return _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
}
__m512 hi(__m512 a, __m512 b) {
  return _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(a), _mm512_castps_pd(b)));
}

// r[i] = column i of the 16 x 16 block whose rows were r[0..16).
void transpose_registers(__m512 r[16]) {
  __m512 t[16];
  for (int i = 0; i < 8; ++i) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; ++i) {
    r[4 * i] = lo(t[4 * i], t[4 * i + 2]);
    r[4 * i + 1] = hi(t[4 * i], t[4 * i + 2]);
    r[4 * i + 2] = lo(t[4 * i + 1], t[4 * i + 3]);
    r[4 * i + 3] = hi(t[4 * i + 1], t[4 * i + 3]);
  }
  for (int i = 0; i < 4; ++i) {
    t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);
    t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);
    t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
    t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
  }
  for (int i = 0; i < 4; ++i) {
    r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
    r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);
    r[4 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0x88);
    r[12 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0xdd);
  }
}

}  // namespace

void transpose(const float* b, std::size_t ldb, std::size_t n, std::size_t k, float* out,
               std::size_t ldo) {
  for (std::size_t j0 = 0; j0 < n; j0 += 16) {
    const std::size_t jn = n - j0 < 16 ? n - j0 : 16;
    const __mmask16 store = first_lanes(jn);
    for (std::size_t p0 = 0; p0 < k; p0 += 16) {
      const std::size_t pn = k - p0 < 16 ? k - p0 : 16;
      const __mmask16 load = first_lanes(pn);
      __m512 r[16];
      for (std::size_t j = 0; j < 16; ++j)
        r[j] = j < jn ? _mm512_maskz_loadu_ps(load, b + (j0 + j) * ldb + p0) : _mm512_setzero_ps();
      transpose_registers(r);
      for (std::size_t p = 0; p < pn; ++p) _mm512_mask_storeu_ps(out + (p0 + p) * ldo + j0, store, r[p]);
    }
  }
}

}  // namespace scratchnet::avx512

#if defined(__clang__)
#pragma clang attribute pop
#else
#pragma GCC pop_options
#endif
#endif
