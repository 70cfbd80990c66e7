#pragma once
// A generic finite-difference gradient checker for layers and losses, run in
// double precision with central differences (the dlib `test_layer` idea).
//
// For a layer f, the scalar L = sum(f(x) * R) with a fixed random R has
// dL/dy = R, so backward(R) must give dL/dx and dL/dparams. Each is compared
// against (L(v + h) - L(v - h)) / 2h with h = 1e-6, within
// |analytic - numeric| <= kAbsTol + kRelTol * max(|analytic|, |numeric|).

#include <cmath>
#include <functional>
#include <string>
#include <vector>

#include "scratchnet/core/rng.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/layers/layer.h"

namespace scratchnet::testing {

struct GradientMismatch {
  std::string where;  // "x[3]" or "W[5]"
  double analytic, numeric;
};

inline constexpr double kStep = 1e-6;
inline constexpr double kAbsTol = 1e-7;
inline constexpr double kRelTol = 1e-5;

inline bool close(double a, double n) {
  return std::abs(a - n) <= kAbsTol + kRelTol * std::max(std::abs(a), std::abs(n));
}

// Fills `t` with values of magnitude in [0.1, 1] and random sign, away from
// the kink of ReLU-like functions at 0.
inline void fill_away_from_zero(BasicTensor<double>& t, Rng& rng) {
  for (auto& v : t.span()) v = (rng.uniform() < 0.5 ? -1 : 1) * rng.uniform(0.1, 1.0);
}

// Seed given to Layer::reseed before every forward, so layers that draw
// randomness (dropout) use one frozen mask for the whole check.
inline constexpr std::uint64_t kFrozenSeed = 1234;

// Checks every input and parameter gradient of `layer` at input `x`.
inline std::vector<GradientMismatch> check_layer_gradients(Layer<double>& layer,
                                                           BasicTensor<double> x, Rng& rng,
                                                           Mode mode = Mode::kTrain) {
  layer.reseed(kFrozenSeed);
  const BasicTensor<double>& y0 = layer.forward(x, mode);
  BasicTensor<double> r(y0.shape());
  for (auto& v : r.span()) v = rng.uniform(-1.0, 1.0);
  auto objective = [&]() {
    layer.reseed(kFrozenSeed);
    const BasicTensor<double>& y = layer.forward(x, mode);
    double sum = 0;
    for (std::size_t i = 0; i < y.size(); ++i) sum += y[i] * r[i];
    return sum;
  };
  // Analytic gradients.
  for (auto& p : layer.params()) p.grad->zero();
  layer.reseed(kFrozenSeed);
  layer.forward(x, mode);
  const BasicTensor<double> grad_x = layer.backward(r);
  std::vector<BasicTensor<double>> grad_params;
  for (auto& p : layer.params()) grad_params.push_back(*p.grad);

  std::vector<GradientMismatch> bad;
  auto numeric_at = [&](double& v) {
    const double saved = v;
    v = saved + kStep;
    const double up = objective();
    v = saved - kStep;
    const double down = objective();
    v = saved;
    return (up - down) / (2 * kStep);
  };
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double n = numeric_at(x[i]);
    if (!close(grad_x[i], n)) bad.push_back({"x[" + std::to_string(i) + "]", grad_x[i], n});
  }
  auto params = layer.params();
  for (std::size_t p = 0; p < params.size(); ++p)
    for (std::size_t i = 0; i < params[p].value->size(); ++i) {
      const double n = numeric_at((*params[p].value)[i]);
      if (!close(grad_params[p][i], n))
        bad.push_back({params[p].name + "[" + std::to_string(i) + "]", grad_params[p][i], n});
    }
  return bad;
}

}  // namespace scratchnet::testing
