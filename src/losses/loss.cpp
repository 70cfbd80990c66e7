#include "scratchnet/losses/loss.h"

#include <fmt/ranges.h>

#include "scratchnet/core/error.h"
#include "scratchnet/losses/mse.h"
#include "scratchnet/losses/softmax_cross_entropy.h"

namespace scratchnet {

template <class T>
std::unique_ptr<Loss<T>> make_loss(const std::string& type) {
  if (type == "softmax_cross_entropy") return std::make_unique<SoftmaxCrossEntropy<T>>();
  if (type == "mse") return std::make_unique<MeanSquaredError<T>>();
  throw_usage("unknown loss '{}' (known: {})", type, fmt::join(registered_loss_types(), ", "));
}

std::vector<std::string> registered_loss_types() { return {"softmax_cross_entropy", "mse"}; }

template std::unique_ptr<Loss<float>> make_loss<float>(const std::string&);
template std::unique_ptr<Loss<double>> make_loss<double>(const std::string&);

}  // namespace scratchnet
