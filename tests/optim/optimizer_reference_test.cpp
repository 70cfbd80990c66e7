// Every optimizer against the update rule of its paper, transcribed below in
// long double (written from the papers and the book, not from src/optim), on
// cases where the details show: zero gradients and gradients as small as eps
// (where dropping eps divides 0 by 0 and moving it inside the square root
// changes the step by orders of magnitude), L2 weight decay, hyper-parameters
// away from their defaults, and a learning rate changed between steps
// (set_lr, as a schedule does). Each case runs six steps on a tensor whose
// elements are the rows of kElements; every element must stay within a
// 1e-6 of the reference, relative to the largest magnitude the element has had
// (measured: below 3e-7).
//
// The rules compute in float with the hyper-parameters rounded to float
// (vectorised.h): the reference rounds them the same way, so the tolerance
// measures the arithmetic. (That rounding alone moves Adam's steps by 6e-6
// relative at beta2 = 0.999: 1 - 0.999f is 1.3e-5 away from 0.001, while the
// bias correction uses 0.999 itself.)

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "scratchnet/optim/optimizer.h"

namespace scratchnet {
namespace {

constexpr int kSteps = 6;

// One element of the parameter tensor: its start value and its gradient at
// each step.
struct Element {
  const char* what;
  double w0;
  double g[kSteps];
};

const Element kElements[] = {
    {"zero gradient at 0", 0.0, {0, 0, 0, 0, 0, 0}},
    {"zero gradient at 3", 3.0, {0, 0, 0, 0, 0, 0}},
    {"gradients near Adam's eps 1e-8", 0.0, {1e-8, -5e-9, 2e-8, 0, 1.5e-8, -1e-8}},
    {"gradients near AdaGrad's eps 1e-7", 0.0, {1e-7, 2e-7, -1e-7, 5e-8, 0, 3e-7}},
    {"small gradients", 0.0, {1e-4, 3e-4, -2e-4, 1e-4, 5e-5, 2e-4}},
    {"ordinary gradients", 0.5, {0.3, -0.2, 0.25, 0.1, -0.4, 0.05}},
    {"a zero gradient midway", -1.5, {-1, 0.5, 0, 2, -0.25, 0.75}},
};
constexpr std::size_t kN = std::size(kElements);

// The paper's rule for one element, in long double.
class ReferenceRule {
 public:
  ReferenceRule(std::string type, double weight_decay, const std::map<std::string, double>& hyper)
      : type_(std::move(type)), decay_(as_float(weight_decay)), exact_(hyper) {
    for (const auto& [name, value] : hyper) hyper_[name] = as_float(value);
  }

  long double step(long double w, long double g, long double lr) {
    const long double mu = hyper_["momentum"], eps = hyper_["eps"];
    // L2 weight decay is the gradient of (decay / 2) w^2, added to g; AdamW
    // alone decays w directly.
    const long double gd = g + decay_ * w;
    if (type_ == "sgd") return w - lr * gd;
    if (type_ == "momentum") {  // Polyak; the book's Momentum: v = mu v - lr g, w += v
      v_ = mu * v_ - lr * gd;
      return w + v_;
    }
    if (type_ == "nesterov") {  // Sutskever et al., as PyTorch's SGD(nesterov=True)
      v_ = mu * v_ + gd;
      return w - lr * (gd + mu * v_);
    }
    if (type_ == "adagrad") {  // Duchi et al.: accumulated squares
      h_ += gd * gd;
      return w - lr * gd / (std::sqrt(h_) + eps);
    }
    if (type_ == "rmsprop") {  // Tieleman & Hinton: a decaying mean of squares
      const long double rho = hyper_["rho"];
      h_ = rho * h_ + (1 - rho) * gd * gd;
      return w - lr * gd / (std::sqrt(h_) + eps);
    }
    // Kingma & Ba, Algorithm 1; AdamW (Loshchilov & Hutter) on g alone.
    const bool decoupled = type_ == "adamw";
    const long double gm = decoupled ? g : gd;
    const long double b1 = hyper_["beta1"], b2 = hyper_["beta2"];
    ++t_;
    m_ = b1 * m_ + (1 - b1) * gm;
    v_ = b2 * v_ + (1 - b2) * gm * gm;
    // The bias corrections, from the hyper-parameters as given (double).
    const long double m_hat = m_ / (1 - std::pow(static_cast<long double>(exact_["beta1"]), t_));
    const long double v_hat = v_ / (1 - std::pow(static_cast<long double>(exact_["beta2"]), t_));
    const long double adam_step = m_hat / (std::sqrt(v_hat) + eps);
    return decoupled ? w - lr * (adam_step + decay_ * w) : w - lr * adam_step;
  }

 private:
  static long double as_float(double x) { return static_cast<float>(x); }

  std::string type_;
  long double decay_;
  std::map<std::string, double> exact_;        // as given
  std::map<std::string, long double> hyper_;  // rounded to float
  long double v_ = 0, h_ = 0, m_ = 0;
  int t_ = 0;
};

struct Case {
  const char* type;
  double lr;
  double weight_decay;
  std::map<std::string, double> hyper;  // the rest take their defaults
  int lr_change_before = 0;             // step (1-based) from which lr_after applies; 0: never
  double lr_after = 0;
};

const Case kCases[] = {
    // Defaults.
    {"sgd", 0.01, 0, {}},
    {"momentum", 0.01, 0, {}},
    {"nesterov", 0.01, 0, {}},
    {"adagrad", 0.01, 0, {}},
    {"rmsprop", 0.001, 0, {}},
    {"adam", 0.001, 0, {}},
    {"adamw", 0.001, 0, {}},
    // L2 weight decay (AdamW: decoupled), and the rate cut to a quarter from step 4.
    {"sgd", 0.1, 0.1, {}, 4, 0.025},
    {"momentum", 0.1, 0.1, {}, 4, 0.025},
    {"nesterov", 0.1, 0.1, {}, 4, 0.025},
    {"adagrad", 0.1, 0.1, {}, 4, 0.025},
    {"rmsprop", 0.01, 0.1, {}, 4, 0.0025},
    {"adam", 0.01, 0.1, {}, 4, 0.0025},
    {"adamw", 0.01, 0.1, {}, 4, 0.0025},
    // Hyper-parameters away from their defaults (a large eps shows where it
    // is added), and the rate raised from step 3.
    {"momentum", 0.05, 0.01, {{"momentum", 0.5}}, 3, 0.2},
    {"nesterov", 0.05, 0.01, {{"momentum", 0.75}}, 3, 0.2},
    {"adagrad", 0.1, 0.01, {{"eps", 1e-3}}, 3, 0.4},
    {"rmsprop", 0.01, 0.01, {{"rho", 0.75}, {"eps", 1e-4}}, 3, 0.04},
    {"adam", 0.01, 0.01, {{"beta1", 0.5}, {"beta2", 0.875}, {"eps", 1e-3}}, 3, 0.04},
    {"adamw", 0.01, 0.25, {{"beta1", 0.75}, {"beta2", 0.9375}, {"eps", 1e-6}}, 3, 0.04},
};

TEST(OptimizerReference, EveryRuleFollowsItsPaperOnEdgeCases) {
  for (const Case& c : kCases) {
    OptimizerSettings settings;
    settings.lr = c.lr;
    settings.weight_decay = c.weight_decay;
    settings.hyper = c.hyper;
    auto opt = make_optimizer(c.type, settings);
    // The reference sees the hyper-parameters the optimizer reports it uses
    // (its defaults for those the case leaves out): checked against the case.
    std::map<std::string, double> used;
    for (const auto& [name, value] : opt->hyper_parameters()) used[name] = value;
    for (const auto& [name, value] : c.hyper) ASSERT_DOUBLE_EQ(used.at(name), value) << c.type << " " << name;
    std::vector<ReferenceRule> reference(kN, ReferenceRule(c.type, c.weight_decay, used));

    Tensor w(Shape{kN}), g(Shape{kN});
    std::vector<long double> expected(kN);
    // The largest magnitude each element has had: a float keeps its error
    // relative to that (w - step cancels to a small w, not to a precise one).
    std::vector<double> scale(kN);
    for (std::size_t i = 0; i < kN; ++i) {
      w[i] = static_cast<float>(expected[i] = kElements[i].w0);
      scale[i] = std::fabs(kElements[i].w0);
    }
    const std::vector<Param<float>> params = {{"W", &w, &g, true}};
    long double lr = c.lr;
    for (int step = 1; step <= kSteps; ++step) {
      if (step == c.lr_change_before) {
        opt->set_lr(c.lr_after);
        lr = c.lr_after;
      }
      for (std::size_t i = 0; i < kN; ++i) {
        g[i] = static_cast<float>(kElements[i].g[step - 1]);
        expected[i] = reference[i].step(expected[i], g[i], static_cast<float>(lr));
      }
      opt->step(params);
      for (std::size_t i = 0; i < kN; ++i) {
        const double want = static_cast<double>(expected[i]);
        scale[i] = std::max(scale[i], std::fabs(want));
        EXPECT_NEAR(w[i], want, 1e-6 * scale[i])
            << c.type << " lr " << c.lr << " weight decay " << c.weight_decay << ", step " << step << ", "
            << kElements[i].what;
      }
    }
  }
}

TEST(OptimizerReference, EveryOptimizerHasCasesWithWeightDecayAndOtherHyperParameters) {
  for (const std::string& type : registered_optimizer_types()) {
    bool decayed = false, rate_changed = false;
    for (const Case& c : kCases) {
      if (type != c.type) continue;
      decayed |= c.weight_decay > 0;
      rate_changed |= c.lr_change_before > 0;
    }
    EXPECT_TRUE(decayed) << type;
    EXPECT_TRUE(rate_changed) << type;
    if (optimizer_type(type).hyper.empty()) continue;
    bool tuned = false;
    for (const Case& c : kCases) tuned |= type == c.type && !c.hyper.empty();
    EXPECT_TRUE(tuned) << type << " is never run with non-default hyper-parameters";
  }
}

}  // namespace
}  // namespace scratchnet
