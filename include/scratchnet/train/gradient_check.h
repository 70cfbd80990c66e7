#pragma once
// Gradient checking by finite differences, for layers and networks -- the
// check a learner runs on a network of their own (the Python package's
// scratchnet.gradcheck), and the dlib `test_layer` idea as a library call.
//
// The function checked is L = sum(f(x) * R) for a fixed random R (uniform in
// [-1, 1), drawn from options.seed) shaped like f(x): then dL/dy = R, and
// backward(R) gives the analytic dL/dx and dL/dparam. Each is compared with
// the central difference (L(v + h) - L(v - h)) / 2h, computed in double
// precision:
//   - a float layer (or network) is differentiated numerically through its
//     double twin, built from its spec (architecture) with its parameters and
//     buffers copied, so the float gradients under test are compared with a
//     numeric gradient that carries no float rounding;
//   - a double layer (one written elsewhere, e.g. a Python object behind an
//     adapter) is differentiated through itself.
// Layers that draw randomness are reseeded before every forward (one frozen
// dropout mask). The layer or network is left as it was: parameter values,
// gradients and buffers (batch-norm running statistics) are restored.
//
// Error of one value: |analytic - numeric| / max(|analytic|, |numeric|, floor),
// with floor = 1e-3 * the largest |numeric| of the whole check, so that values
// far below the gradients' scale (a convolution bias before batch norm, whose
// gradient is 0) are compared absolutely. A float layer's correct
// gradients give errors around 1e-6..1e-4; a wrong one gives errors near 1.
//
// Requires a non-empty x shaped (N, input sample shape of the layer).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "scratchnet/core/param.h"
#include "scratchnet/layers/layer.h"
#include "scratchnet/train/network.h"

namespace scratchnet {

struct GradientCheckOptions {
  double step = 1e-6;            // h
  std::uint64_t seed = 1;        // draws R
  Mode mode = Mode::kTrain;      // of every forward
  std::size_t max_values = 0;    // per tensor, evenly spread; 0 = every value
};

// The worst value of one tensor: the input ("input") or a parameter.
struct GradientCheckEntry {
  std::string name;              // "input", "W", a network's "2.W"
  std::size_t checked = 0;       // values compared
  double worst_error = 0;
  std::size_t worst_index = 0;   // flat index of the worst value
  double analytic = 0, numeric = 0;  // the gradients at worst_index
};

struct GradientCheckReport {
  // The input first (layers only: a network does not compute dL/dx of its
  // first layers), then every parameter in params() order.
  std::vector<GradientCheckEntry> entries;
  double worst_error() const;
};

GradientCheckReport check_gradients(Layer<float>& layer, const Tensor& x,
                                    const GradientCheckOptions& options = {});
GradientCheckReport check_gradients(Layer<double>& layer, const BasicTensor<double>& x,
                                    const GradientCheckOptions& options = {});
// Every parameter of `network`, named "<layer index>.<name>".
GradientCheckReport check_gradients(Network<float>& network, const Tensor& x,
                                    const GradientCheckOptions& options = {});

// Names of `params` that are unique within the list: a name seen before gets
// "_2", "_3", ... (a residual block has several W).
template <class T>
std::vector<std::string> unique_param_names(const std::vector<Param<T>>& params);

}  // namespace scratchnet
