#include "scratchnet/layers/softmax.h"

#include <algorithm>
#include <cmath>

#include "scratchnet/layers/registry.h"

namespace scratchnet {

template <class T>
void softmax_rows(const T* x, T* y, std::size_t n, std::size_t k) {
  for (std::size_t r = 0; r < n; ++r) {
    const T* in = x + r * k;
    T* out = y + r * k;
    // Subtract the row maximum so exp never overflows (seed 003's NaN fix).
    const T max = *std::max_element(in, in + k);
    T sum = 0;
    for (std::size_t c = 0; c < k; ++c) sum += (out[c] = std::exp(in[c] - max));
    const T inv = T(1) / sum;
    for (std::size_t c = 0; c < k; ++c) out[c] *= inv;
  }
}

template <class T>
Softmax<T>::Softmax(const Shape& input, const LayerSpec& spec)
    : LayerBase<T>(spec, input, plan_layer(spec, input).output) {}

// Not offered as an `activation`: the loss applies softmax itself
// (SoftmaxCrossEntropy); a [[layer]] of this type makes a network output
// probabilities.
const LayerType& softmax_layer_type() {
  static const LayerType type = [] {
    LayerType t{"softmax", "softmax over the last axis: y_k = e^x_k / sum_j e^x_j", {},
                &same_shape_plan, &construct_layer<Softmax<float>>, &construct_layer<Softmax<double>>};
    t.output_range = OutputRange::kUnit;
    return t;
  }();
  return type;
}

template <class T>
const BasicTensor<T>& Softmax<T>::forward(const BasicTensor<T>& x, Mode /*mode*/) {
  y_.resize(x.shape());
  softmax_rows(x.data(), y_.data(), x.rows(), x.cols());
  return y_;
}

template <class T>
const BasicTensor<T>& Softmax<T>::backward(const BasicTensor<T>& grad_y) {
  grad_x_.resize(grad_y.shape());
  const std::size_t n = grad_y.rows(), k = grad_y.cols();
  for (std::size_t r = 0; r < n; ++r) {
    const T* y = y_.row(r);
    const T* dy = grad_y.row(r);
    T* dx = grad_x_.row(r);
    // dx = y * (dy - <dy, y>)
    T dot = 0;
    for (std::size_t c = 0; c < k; ++c) dot += dy[c] * y[c];
    for (std::size_t c = 0; c < k; ++c) dx[c] = y[c] * (dy[c] - dot);
  }
  return grad_x_;
}

template class Softmax<float>;
template class Softmax<double>;
template void softmax_rows<float>(const float*, float*, std::size_t, std::size_t);
template void softmax_rows<double>(const double*, double*, std::size_t, std::size_t);

}  // namespace scratchnet
