#include "scratchnet/losses/mse.h"

#include "scratchnet/core/error.h"

namespace scratchnet {

template <class T>
double MeanSquaredError<T>::normaliser(const Shape& outputs, const Targets<T>& /*targets*/) const {
  return static_cast<double>(outputs.elements());
}

template <class T>
double MeanSquaredError<T>::forward_sum(const BasicTensor<T>& outputs, const Targets<T>& targets,
                                        double normaliser) {
  SCRATCHNET_CHECK(targets.values != nullptr, "mse needs real-valued targets");
  const BasicTensor<T>& t = *targets.values;
  SCRATCHNET_CHECK(t.size() == outputs.size(), "targets {} vs outputs {}", t.shape().str(),
                   outputs.shape().str());
  grad_.resize(outputs.shape());
  const std::size_t count = outputs.size();
  const T scale = T(2) / static_cast<T>(normaliser);
  double total = 0;
  for (std::size_t i = 0; i < count; ++i) {
    const T diff = outputs[i] - t[i];
    total += static_cast<double>(diff) * static_cast<double>(diff);
    grad_[i] = scale * diff;  // backward is cheap enough to do here
  }
  return total;
}

template <class T>
const BasicTensor<T>& MeanSquaredError<T>::backward() {
  return grad_;
}

template class MeanSquaredError<float>;
template class MeanSquaredError<double>;

}  // namespace scratchnet
