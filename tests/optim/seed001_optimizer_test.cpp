// Seed 001's own optimizer check (Lab3, the cell after `my_optimizer`),
// reproduced exactly. The report seeds numpy with 101 and draws, in this
// order, a 2x3 weight W and a 2-vector bias B, their momentum deltas, first
// moments, second moments (absolute values) and gradients. It then calls its
// optimizer with learning rate 10 and iteration 3 for sgd, momentum, adagrad,
// rmsprop and adam in turn on the same layer and state: each starts from the
// weights the previous one left; AdaGrad, RMSProp and Adam share one
// squared-gradient buffer (opt.W_vt); Adam's first moment is the drawn one and
// its bias correction uses t = 3. After each it prints W's first row and
// B[0]: kReportRows. Its settings: momentum 0.9, RMSProp decay 0.9, Adam
// betas 0.9 and 0.99, epsilon 1e-8.
//
// The report's delta d = gamma d + lr g is subtracted from w; scratchnet's
// Momentum keeps v = mu v - lr g and adds it, so its state is -d.
// The report adds epsilon inside the square root for AdaGrad and RMSProp
// (sqrt(h + eps)), scratchnet outside (sqrt(h) + eps, as Adam in both): with
// eps 1e-8 and these buffers the rows move by less than 1e-7, below what a
// float holds at these magnitudes (ReportsOwnRulesGiveItsPrintedRows shows
// that the inputs and this reading of the report give its rows to all eight
// printed decimals).

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "scratchnet/optim/optimizer.h"
#include "support/numpy_legacy_random.h"

namespace scratchnet {
namespace {

// Printed by the report, one row per optimizer: W[0][0..2], B[0].
const double kReportRows[5][4] = {{7.67789007, 8.16882972, 10.34203348, -3.22934657},
                                  {14.46528172, 15.04341688, 19.30016537, -4.77070266},
                                  {22.50872929, 22.74302212, 28.47667875, -7.62607443},
                                  {30.69802889, 30.60433129, 37.72651766, -10.62235939},
                                  {29.41774022, 19.27573813, 23.68071186, 1.52919472}};

// numpy 1.24.2 (Debian 12):
//   /usr/bin/python3 -c 'import numpy as np; np.random.seed(101); print(np.random.randn(40).tolist())'
const double kNumpyNormals[40] = {
    2.706849839399938,    0.6281327087844596,   0.9079694464765431,   0.5038257538223936,
    0.6511179479432686,   -0.31931804459303326, -0.8480769834036315,  0.6059653494949336,
    -2.018168244037392,   0.7401220570561068,   0.5288134940893595,   -0.5890005332865824,
    0.18869530944922425,  -0.758872056210466,   -0.9332372163009188,  0.9550565092637361,
    0.19079432237171562,  1.9787573241128278,   2.60596727979128,     0.6835088855389145,
    0.3026654485851825,   1.693722925204035,    -1.7060859307350775,  -1.1591194155484297,
    -0.13484072060601238, 0.39052784273374097,  0.16690463609281317,  0.18450185928224264,
    0.8077059142577141,   0.07295967531703869,  0.638787013499328,    0.32964629880452445,
    -0.49710402288933153, -0.7540697010400628,  -0.9434064032519315,  0.48475164718163294,
    -0.11677331646707445, 1.9017547952605123,   0.23812695876901832,  1.9966522853695665};

constexpr double kLr = 10, kMomentum = 0.9, kRho = 0.9, kBeta1 = 0.9, kBeta2 = 0.99, kEps = 1e-8;
constexpr int kAdamStep = 3;

// The report's arrays, in the order it draws them; index 0 is the weight
// (2x3, row-major), 1 the bias (2).
struct ReportDraws {
  std::vector<double> w[2], delta[2], first[2], second[2], grad[2];
};

ReportDraws draw_report_inputs() {
  testing::NumpyLegacyRandom rng(101);
  auto draw = [&](std::size_t n, bool absolute = false) {
    std::vector<double> v(n);
    for (double& x : v) x = absolute ? std::fabs(rng.randn()) : rng.randn();
    return v;
  };
  ReportDraws d;
  for (auto* pair : {&d.w, &d.delta, &d.first}) {
    (*pair)[0] = draw(6);
    (*pair)[1] = draw(2);
  }
  d.second[0] = draw(6, true);
  d.second[1] = draw(2, true);
  d.grad[0] = draw(6);
  d.grad[1] = draw(2);
  return d;
}

Tensor tensor_of(const std::vector<double>& values, double sign = 1) {
  Tensor t(values.size() == 6 ? Shape{2, 3} : Shape{2});
  for (std::size_t i = 0; i < values.size(); ++i) t[i] = static_cast<float>(sign * values[i]);
  return t;
}

TEST(Seed001, TranscribedGeneratorDrawsNumpysNormals) {
  testing::NumpyLegacyRandom rng(101);
  for (int i = 0; i < 40; ++i) EXPECT_DOUBLE_EQ(rng.randn(), kNumpyNormals[i]) << "normal " << i;
}

// The report's my_optimizer, transcribed in long double: the inputs and this
// reading of its code give the printed rows to their eight decimals.
TEST(Seed001, ReportsOwnRulesGiveItsPrintedRows) {
  const ReportDraws d = draw_report_inputs();
  const char* solvers[5] = {"sgd", "momentum", "adagrad", "rmsprop", "adam"};
  std::vector<long double> w[2], dt[2], mt[2], vt[2];
  for (int p = 0; p < 2; ++p) {
    w[p].assign(d.w[p].begin(), d.w[p].end());
    dt[p].assign(d.delta[p].begin(), d.delta[p].end());
    mt[p].assign(d.first[p].begin(), d.first[p].end());
    vt[p].assign(d.second[p].begin(), d.second[p].end());
  }
  for (int s = 0; s < 5; ++s) {
    const std::string solver = solvers[s];
    for (int p = 0; p < 2; ++p)
      for (std::size_t i = 0; i < w[p].size(); ++i) {
        const long double g = d.grad[p][i];
        long double dlt = 0;
        if (solver == "sgd") {
          dlt = kLr * g;
        } else if (solver == "momentum") {
          dlt = dt[p][i] = kMomentum * dt[p][i] + kLr * g;
        } else if (solver == "adagrad") {
          vt[p][i] += g * g;
          dlt = kLr / std::sqrt(vt[p][i] + kEps) * g;
        } else if (solver == "rmsprop") {
          vt[p][i] = kRho * vt[p][i] + (1 - kRho) * g * g;
          dlt = kLr / std::sqrt(vt[p][i] + kEps) * g;
        } else {
          mt[p][i] = kBeta1 * mt[p][i] + (1 - kBeta1) * g;
          vt[p][i] = kBeta2 * vt[p][i] + (1 - kBeta2) * g * g;
          const long double mc = mt[p][i] / (1 - std::pow(kBeta1, kAdamStep));
          const long double vc = vt[p][i] / (1 - std::pow(kBeta2, kAdamStep));
          dlt = kLr / (std::sqrt(vc) + kEps) * mc;
        }
        w[p][i] -= dlt;
      }
    const long double row[4] = {w[0][0], w[0][1], w[0][2], w[1][0]};
    for (int k = 0; k < 4; ++k)
      EXPECT_NEAR(static_cast<double>(row[k]), kReportRows[s][k], 5.1e-9) << solver << " column " << k;
  }
}

// scratchnet's optimizers, one after another on the same parameters, each
// handed the state the report carries over.
TEST(Seed001, OptimizerChainReproducesTheReportsRows) {
  const ReportDraws d = draw_report_inputs();
  Tensor w = tensor_of(d.w[0]), b = tensor_of(d.w[1]);
  Tensor gw = tensor_of(d.grad[0]), gb = tensor_of(d.grad[1]);
  const std::vector<Param<float>> params = {{"W", &w, &gw, true}, {"b", &b, &gb, false}};

  OptimizerSettings settings;
  settings.lr = kLr;
  settings.hyper = {{"momentum", kMomentum}, {"rho", kRho}, {"beta1", kBeta1}, {"beta2", kBeta2}, {"eps", kEps}};
  std::vector<Tensor> squared = {tensor_of(d.second[0]), tensor_of(d.second[1])};
  const char* solvers[5] = {"sgd", "momentum", "adagrad", "rmsprop", "adam"};
  for (int s = 0; s < 5; ++s) {
    const std::string solver = solvers[s];
    auto opt = make_optimizer(solver, settings);
    if (solver == "momentum") {
      opt->state() = {tensor_of(d.delta[0], -1), tensor_of(d.delta[1], -1)};
    } else if (solver == "adagrad" || solver == "rmsprop") {
      opt->state() = squared;
    } else if (solver == "adam") {
      // Slots per parameter: first moment, second moment.
      opt->state() = {tensor_of(d.first[0]), squared[0], tensor_of(d.first[1]), squared[1]};
      opt->set_steps(kAdamStep - 1);
    }
    opt->step(params);
    if (solver == "adagrad" || solver == "rmsprop") squared = opt->state();
    if (solver == "adam") {
      EXPECT_EQ(opt->steps(), kAdamStep);
    }

    // Floats hold about 7 significant digits of the printed 10: a few units
    // in the last place of the larger of the value before and after the step
    // (measured: at most 1.4e-7 of it, about one unit).
    const float row[4] = {w[0], w[1], w[2], b[0]};
    for (int k = 0; k < 4; ++k) {
      const double scale = std::max(std::fabs(kReportRows[s][k]), s > 0 ? std::fabs(kReportRows[s - 1][k]) : 0.0);
      EXPECT_NEAR(row[k], kReportRows[s][k], 4e-7 * scale) << solver << " column " << k;
    }
  }
}

}  // namespace
}  // namespace scratchnet
