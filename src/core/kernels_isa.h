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

  // Optimizer rules, in the operation order of the plain loops (kernels.cpp).
  static void adam(float* w, const float* g, float* m, float* v, std::size_t n, const AdamStep& s) {
    const R b1 = V::set1(s.beta1), b2 = V::set1(s.beta2);
    const R one_b1 = V::set1(1.0f - s.beta1), one_b2 = V::set1(1.0f - s.beta2);
    const R lr = V::set1(s.lr), eps = V::set1(s.eps), c1 = V::set1(s.c1), c2 = V::set1(s.c2);
    const R decay = V::set1(s.decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      R wi = load(w + i, c);
      const R gi = load(g + i, c);
      const R grad = s.decoupled ? gi : V::add(gi, V::mul(decay, wi));
      const R mi = V::add(V::mul(b1, load(m + i, c)), V::mul(one_b1, grad));
      const R vi = V::add(V::mul(b2, load(v + i, c)), V::mul(V::mul(one_b2, grad), grad));
      const R denom = V::add(V::sqrt(V::mul(vi, c2)), eps);
      if (s.decoupled)  // w -= lr (m^ / (sqrt(v^) + eps) + decay w)
        wi = V::sub(wi, V::mul(lr, V::add(V::div(V::mul(mi, c1), denom), V::mul(decay, wi))));
      else  // w -= lr m^ / (sqrt(v^) + eps)
        wi = V::sub(wi, V::div(V::mul(lr, V::mul(mi, c1)), denom));
      store(m + i, mi, c);
      store(v + i, vi, c);
      store(w + i, wi, c);
    });
  }
  static void sgd(float* w, const float* g, std::size_t n, float lr, float decay) {
    const R l = V::set1(lr), d = V::set1(decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R wi = load(w + i, c);
      store(w + i, V::sub(wi, V::mul(l, V::add(load(g + i, c), V::mul(d, wi)))), c);
    });
  }
  static void momentum(float* w, const float* g, float* v, std::size_t n, float lr, float mu,
                       float decay) {
    const R l = V::set1(lr), u = V::set1(mu), d = V::set1(decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R wi = load(w + i, c);
      const R vi =
          V::sub(V::mul(u, load(v + i, c)), V::mul(l, V::add(load(g + i, c), V::mul(d, wi))));
      store(v + i, vi, c);
      store(w + i, V::add(wi, vi), c);
    });
  }
  static void nesterov(float* w, const float* g, float* v, std::size_t n, float lr, float mu,
                       float decay) {
    const R l = V::set1(lr), u = V::set1(mu), d = V::set1(decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R wi = load(w + i, c);
      const R grad = V::add(load(g + i, c), V::mul(d, wi));
      const R vi = V::add(V::mul(u, load(v + i, c)), grad);
      store(v + i, vi, c);
      store(w + i, V::sub(wi, V::mul(l, V::add(grad, V::mul(u, vi)))), c);
    });
  }
  static void adagrad(float* w, const float* g, float* h, std::size_t n, float lr, float eps,
                      float decay) {
    const R l = V::set1(lr), e = V::set1(eps), d = V::set1(decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R wi = load(w + i, c);
      const R grad = V::add(load(g + i, c), V::mul(d, wi));
      const R hi = V::add(load(h + i, c), V::mul(grad, grad));
      store(h + i, hi, c);
      store(w + i, V::sub(wi, V::div(V::mul(l, grad), V::add(V::sqrt(hi), e))), c);
    });
  }
  static void rmsprop(float* w, const float* g, float* h, std::size_t n, float lr, float rho,
                      float eps, float decay) {
    const R l = V::set1(lr), r = V::set1(rho), one_r = V::set1(1.0f - rho), e = V::set1(eps);
    const R d = V::set1(decay);
    for_each_chunk<L>(n, [&](std::size_t i, int c) {
      const R wi = load(w + i, c);
      const R grad = V::add(load(g + i, c), V::mul(d, wi));
      const R hi = V::add(V::mul(r, load(h + i, c)), V::mul(V::mul(one_r, grad), grad));
      store(h + i, hi, c);
      store(w + i, V::sub(wi, V::div(V::mul(l, grad), V::add(V::sqrt(hi), e))), c);
    });
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
            &exp_values,
            &adam,
            &sgd,
            &momentum,
            &nesterov,
            &adagrad,
            &rmsprop};
  }
};
