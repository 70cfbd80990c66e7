#pragma once
// Internal: the float kernels written once over a vector wrapper V (simd.h)
// and compiled per instruction set by kernels_avx2.cpp and kernels_avx512.cpp,
// inside their own namespaces (see simd.h for why).
//
// Every array is walked in whole registers, the last one partial (masked
// loads and stores), so each element goes through the same operations
// wherever it sits: splitting an array between threads changes no result.

// Calls f(i, count) for i = 0, L, 2L, ... < n with count = min(L, n - i).
template <int L, class F>
inline void for_each_chunk(std::size_t n, F f) {
  std::size_t i = 0;
  for (; i + L <= n; i += L) f(i, L);
  if (i < n) f(i, static_cast<int>(n - i));
}

template <class V>
struct IsaKernels {
  using R = typename V::reg;
  static constexpr int L = V::kLanes;

  static R load(const float* p, int count) { return count == L ? V::load(p) : V::load(p, count); }
  static void store(float* p, R x, int count) {
    if (count == L)
      V::store(p, x);
    else
      V::store(p, x, count);
  }

  static void add_row_vector(float* y, const float* bias, std::size_t n, std::size_t d) {
    for (std::size_t r = 0; r < n; ++r) {
      float* row = y + r * d;
      for_each_chunk<L>(d, [&](std::size_t i, int c) {
        store(row + i, V::add(load(row + i, c), load(bias + i, c)), c);
      });
    }
  }

  static void column_sums(const float* x, std::size_t n, std::size_t d, float* out) {
    for_each_chunk<L>(d, [&](std::size_t i, int c) {
      R sum = load(out + i, c);
      for (std::size_t r = 0; r < n; ++r) sum = V::add(sum, load(x + r * d + i, c));
      store(out + i, sum, c);
    });
  }

  static void relu_forward(const float* x, float* y, std::size_t n) {
    for_each_chunk<L>(
        n, [&](std::size_t i, int c) { store(y + i, V::max(load(x + i, c), V::zero()), c); });
  }
  static void relu_backward(const float* x, const float* dy, float* dx, std::size_t n) {
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      store(dx + i, V::gt_select(load(x + i, c), load(dy + i, c), V::zero()), c);
    });
  }
  static void leaky_relu_forward(const float* x, float* y, std::size_t n, float alpha) {
    const R a = V::set1(alpha);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R v = load(x + i, c);
      store(y + i, V::gt_select(v, v, V::mul(a, v)), c);
    });
  }
  static void leaky_relu_backward(const float* x, const float* dy, float* dx, std::size_t n,
                                  float alpha) {
    const R a = V::set1(alpha);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R g = load(dy + i, c);
      store(dx + i, V::gt_select(load(x + i, c), g, V::mul(g, a)), c);
    });
  }
  // y = 1 / (1 + e^-x): e^-x overflows to inf for x < -88.7, giving 0 as it should.
  static void sigmoid_forward(const float* x, float* y, std::size_t n) {
    const R one = V::set1(1.0f);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R e = exp<V>(V::sub(V::zero(), load(x + i, c)));
      store(y + i, V::div(one, V::add(one, e)), c);
    });
  }
  static void sigmoid_backward(const float* y, const float* dy, float* dx, std::size_t n) {
    const R one = V::set1(1.0f);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R s = load(y + i, c);
      store(dx + i, V::mul(load(dy + i, c), V::mul(s, V::sub(one, s))), c);
    });
  }
  // tanh: an odd polynomial for |x| < 0.625 (Cephes' tanhf), where
  // 1 - 2 / (e^2|x| + 1) would cancel; that form, with x's sign, elsewhere.
  static void tanh_forward(const float* x, float* y, std::size_t n) {
    const R one = V::set1(1.0f), two = V::set1(2.0f);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R v = load(x + i, c);
      const R a = V::abs(v);
      const R big = V::copysign(V::sub(one, V::div(two, V::add(exp<V>(V::mul(two, a)), one))), v);
      const R s = V::mul(v, v);
      R p = V::set1(-5.70498872745e-3f);
      p = V::fmadd(p, s, V::set1(2.06390887954e-2f));
      p = V::fmadd(p, s, V::set1(-5.37397155531e-2f));
      p = V::fmadd(p, s, V::set1(1.33314422036e-1f));
      p = V::fmadd(p, s, V::set1(-3.33332819422e-1f));
      const R small = V::fmadd(V::mul(p, s), v, v);
      store(y + i, V::lt_select(a, V::set1(0.625f), small, big), c);
    });
  }
  static void tanh_backward(const float* y, const float* dy, float* dx, std::size_t n) {
    const R one = V::set1(1.0f);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R t = load(y + i, c);
      store(dx + i, V::mul(load(dy + i, c), V::sub(one, V::mul(t, t))), c);
    });
  }
  static void exp_values(const float* x, float* y, std::size_t n) {
    for_each_chunk<L>(n, [&](std::size_t i, int c) { store(y + i, exp<V>(load(x + i, c)), c); });
  }

  // The table, with the kernels written for one instruction set only (null
  // where there are none).
  struct Extra {
    decltype(detail::FloatKernels::gemm) gemm = nullptr;
    decltype(detail::FloatKernels::gemm_nt_accumulate) gemm_nt_accumulate = nullptr;
    decltype(detail::FloatKernels::im2col_stride1) im2col_stride1 = nullptr;
    decltype(detail::FloatKernels::col2im_add_stride1) col2im_add_stride1 = nullptr;
    decltype(detail::FloatKernels::max_pool_2x2) max_pool_2x2 = nullptr;
  };
  static constexpr detail::FloatKernels table(const char* name, const Extra& e) {
    return {name,
            e.gemm,
            e.gemm_nt_accumulate,
            e.im2col_stride1,
            e.col2im_add_stride1,
            e.max_pool_2x2,
            &add_row_vector,
            &column_sums,
            &relu_forward,
            &relu_backward,
            &leaky_relu_forward,
            &leaky_relu_backward,
            &sigmoid_forward,
            &sigmoid_backward,
            &tanh_forward,
            &tanh_backward,
            &exp_values};
  }
};
