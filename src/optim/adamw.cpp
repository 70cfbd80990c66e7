#include "scratchnet/optim/adamw.h"

namespace scratchnet {

const OptimizerType& AdamW::descriptor() {
  static const OptimizerType type{
      "adamw", "AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay", AdamOptions{}.lr,
      adam_hyper_parameters(), true,
      [](double lr, double weight_decay, const std::map<std::string, double>& h) -> std::unique_ptr<Optimizer> {
        return std::make_unique<AdamW>(AdamOptions{lr, hyper_value(h, "beta1"), hyper_value(h, "beta2"),
                                                   hyper_value(h, "eps"), weight_decay});
      }};
  return type;
}

}  // namespace scratchnet
