#pragma once
// Internal: thin wrappers over the x86 vector instructions the float kernels
// use, so each kernel is written once (kernels_isa.h) and compiled for each
// instruction set in its own translation unit (kernels_avx2.cpp,
// kernels_avx512.cpp). Include this only after `#pragma GCC target(...)` and
// inside that unit's own namespace, so no inline function compiled for one
// instruction set can be picked by the linker for another.
//
// Each wrapper V offers: kLanes floats per register `reg`; load/store (full
// or the first `count` lanes, the rest read as zero); set1, zero; add, sub,
// mul, div, fmadd (a * b + c, one rounding), min/max (the second operand
// when either is NaN), sqrt, abs, copysign; gt_select(x, y, z) = x > 0 ? y : z
// and lt_select(a, b, y, z) = a < b ? y : z per lane (false for NaN);
// round (to nearest even); exp2i(n) = 2^n for integral n in [-126, 127].

// NOLINTBEGIN(readability-identifier-naming)

struct Avx2 {
  static constexpr int kLanes = 8;
  using reg = __m256;
  static __m256i lane_mask(int count) {
    const __m256i index = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), index);
  }
  static reg load(const float* p) { return _mm256_loadu_ps(p); }
  static reg load(const float* p, int count) { return _mm256_maskload_ps(p, lane_mask(count)); }
  static void store(float* p, reg x) { _mm256_storeu_ps(p, x); }
  static void store(float* p, reg x, int count) { _mm256_maskstore_ps(p, lane_mask(count), x); }
  static reg set1(float x) { return _mm256_set1_ps(x); }
  static reg zero() { return _mm256_setzero_ps(); }
  static reg add(reg a, reg b) { return _mm256_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm256_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm256_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm256_div_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm256_fmadd_ps(a, b, c); }
  static reg max(reg a, reg b) { return _mm256_max_ps(a, b); }
  static reg min(reg a, reg b) { return _mm256_min_ps(a, b); }
  static reg sqrt(reg a) { return _mm256_sqrt_ps(a); }
  static reg abs(reg a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
  static reg copysign(reg magnitude, reg sign) {
    const reg s = _mm256_set1_ps(-0.0f);
    return _mm256_or_ps(_mm256_andnot_ps(s, magnitude), _mm256_and_ps(s, sign));
  }
  static reg gt_select(reg x, reg y, reg z) {
    return _mm256_blendv_ps(z, y, _mm256_cmp_ps(x, _mm256_setzero_ps(), _CMP_GT_OQ));
  }
  static reg lt_select(reg x, reg limit, reg y, reg z) {
    return _mm256_blendv_ps(z, y, _mm256_cmp_ps(x, limit, _CMP_LT_OQ));
  }
  static reg round(reg x) {
    return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static reg exp2i(reg n) {
    const __m256i bits =
        _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_castsi256_ps(bits);
  }
  static float sum(reg x) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(x), _mm256_extractf128_ps(x, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
  }
};

#ifdef SCRATCHNET_SIMD_AVX512
struct Avx512 {
  static constexpr int kLanes = 16;
  using reg = __m512;
  static __mmask16 lane_mask(int count) { return static_cast<__mmask16>((1u << count) - 1u); }
  static reg load(const float* p) { return _mm512_loadu_ps(p); }
  static reg load(const float* p, int count) { return _mm512_maskz_loadu_ps(lane_mask(count), p); }
  static void store(float* p, reg x) { _mm512_storeu_ps(p, x); }
  static void store(float* p, reg x, int count) { _mm512_mask_storeu_ps(p, lane_mask(count), x); }
  static reg set1(float x) { return _mm512_set1_ps(x); }
  static reg zero() { return _mm512_setzero_ps(); }
  static reg add(reg a, reg b) { return _mm512_add_ps(a, b); }
  static reg sub(reg a, reg b) { return _mm512_sub_ps(a, b); }
  static reg mul(reg a, reg b) { return _mm512_mul_ps(a, b); }
  static reg div(reg a, reg b) { return _mm512_div_ps(a, b); }
  static reg fmadd(reg a, reg b, reg c) { return _mm512_fmadd_ps(a, b, c); }
  static reg max(reg a, reg b) { return _mm512_max_ps(a, b); }
  static reg min(reg a, reg b) { return _mm512_min_ps(a, b); }
  static reg sqrt(reg a) { return _mm512_sqrt_ps(a); }
  static reg abs(reg a) { return _mm512_abs_ps(a); }
  static reg copysign(reg magnitude, reg sign) {
    const __m512i s = _mm512_set1_epi32(static_cast<int>(0x80000000u));
    // s ? sign : magnitude, bit by bit (truth table 0xAC over (s, magnitude, sign)).
    return _mm512_castsi512_ps(_mm512_ternarylogic_epi32(s, _mm512_castps_si512(magnitude),
                                                         _mm512_castps_si512(sign), 0xAC));
  }
  static reg gt_select(reg x, reg y, reg z) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, _mm512_setzero_ps(), _CMP_GT_OQ), z, y);
  }
  static reg lt_select(reg x, reg limit, reg y, reg z) {
    return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(x, limit, _CMP_LT_OQ), z, y);
  }
  static reg round(reg x) {
    return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  }
  static reg exp2i(reg n) {
    const __m512i bits =
        _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23);
    return _mm512_castsi512_ps(bits);
  }
  static float sum(reg x) { return _mm512_reduce_add_ps(x); }
};
#endif

// e^x for every lane, within about 1 ulp where the result is a normal float
// (x in [-87.3, 88.7]); results below that are denormal or 0 as for std::exp
// (computed in two scalings), above it +inf; NaN stays NaN. Cody-Waite
// reduction x = n ln2 + r, |r| <= ln2 / 2, the degree-7 polynomial of Cephes'
// expf for e^r, then the scaling by 2^n.
template <class V>
inline typename V::reg exp(typename V::reg x) {
  using R = typename V::reg;
  const R kHighest = V::set1(88.7228394f);  // ln(FLT_MAX)
  const R kLowest = V::set1(-103.972084f);  // below: e^x < 2^-150 rounds to 0
  // min/max return their second operand for NaN, so a NaN x stays NaN.
  const R c = V::max(kLowest, V::min(kHighest, x));
  const R n = V::round(V::mul(c, V::set1(1.44269504088896341f)));
  R r = V::sub(c, V::mul(n, V::set1(0.693359375f)));
  r = V::sub(r, V::mul(n, V::set1(-2.12194440e-4f)));
  R p = V::set1(1.9875691500e-4f);
  p = V::fmadd(p, r, V::set1(1.3981999507e-3f));
  p = V::fmadd(p, r, V::set1(8.3334519073e-3f));
  p = V::fmadd(p, r, V::set1(4.1665795894e-2f));
  p = V::fmadd(p, r, V::set1(1.6666665459e-1f));
  p = V::fmadd(p, r, V::set1(5.0000001201e-1f));
  p = V::fmadd(p, V::mul(r, r), V::add(r, V::set1(1.0f)));
  // 2^n as 2^(n - h) 2^h with h = round(n / 2): both factors are normal for
  // n in [-150, 128], and the product underflows gracefully.
  const R h = V::round(V::mul(n, V::set1(0.5f)));
  const R e = V::mul(V::mul(p, V::exp2i(V::sub(n, h))), V::exp2i(h));
  const R inf = V::set1(__builtin_inff());
  return V::lt_select(kHighest, x, inf, V::lt_select(x, kLowest, V::zero(), e));
}

// NOLINTEND(readability-identifier-naming)
