// Per-layer diagnostics (train/diagnostics.h): the values on a hand-built
// network with known weights (a dead ReLU layer, a saturated sigmoid layer),
// computed independently here; histograms that count every output once;
// update ratios of a known change; the cadence; records that change nothing
// the training sees; and the three files, written and read back.

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "scratchnet/app/diagnostics_file.h"
#include "scratchnet/app/run.h"
#include "scratchnet/io/model_file.h"
#include "scratchnet/train/diagnostics.h"
#include "support/expect_error.h"
#include "support/temp_dir.h"

namespace scratchnet {
namespace {

namespace fs = std::filesystem;

// 2 inputs -> dense(3) -> relu -> dense(2) -> sigmoid -> dense(2): layers 1..5.
Architecture hand_built() {
  return {Shape{2},
          {{"dense", {{"units", 3}}}, {"relu", {}}, {"dense", {{"units", 2}}}, {"sigmoid", {}}, {"dense", {{"units", 2}}}}};
}

// The probe: `n` points in [0, 1]^2 with alternating labels.
Dataset square_points(std::size_t n) {
  Dataset d;
  d.task = Task::kClassification;
  d.sample_shape = Shape{2};
  d.class_names = {"a", "b"};
  for (std::size_t i = 0; i < n; ++i) {
    d.features.push_back(static_cast<float>(i % 7) / 6.0f);
    d.features.push_back(static_cast<float>(i % 5) / 4.0f);
    d.labels.push_back(static_cast<std::int32_t>(i % 2));
  }
  return d;
}

// Sets the weights so that ReLU units 2 and 3 never fire (negative weights
// and bias on non-negative inputs) while unit 1 always does, and the sigmoid
// layer's inputs are +-100 times unit 1's output (at least 0.5): saturated.
void set_known_weights(Network<float>& net) {
  const auto& p = net.params();  // W1 (2x3), b1, W3 (3x2), b3, W5 (2x2), b5
  Tensor& w1 = *p[0].value;
  for (std::size_t i = 0; i < 2; ++i) {
    w1.at(i, 0) = 1.0f;
    w1.at(i, 1) = -1.0f;
    w1.at(i, 2) = -2.0f;
  }
  (*p[1].value)[0] = 0.5f, (*p[1].value)[1] = -0.1f, (*p[1].value)[2] = -0.1f;
  Tensor& w3 = *p[2].value;
  w3.zero();
  w3.at(0, 0) = 100.0f;
  w3.at(0, 1) = -100.0f;
  p[3].value->zero();
  Tensor& w5 = *p[4].value;
  w5.at(0, 0) = 0.5f, w5.at(0, 1) = -0.25f, w5.at(1, 0) = 0.75f, w5.at(1, 1) = 1.0f;
  (*p[5].value)[0] = 0.1f, (*p[5].value)[1] = -0.2f;
}

TEST(Diagnostics, DeadReluUnitsAndASaturatedSigmoidLayerOnKnownWeights) {
  Network<float> net(hand_built());
  set_known_weights(net);
  const Dataset data = square_points(35);
  auto loss = make_loss<float>("softmax_cross_entropy");
  LayerProbe probe(data);
  ASSERT_EQ(probe.size(), 35u);
  const DiagnosticsRecord r = probe.measure(net, *loss, 0, 0);
  ASSERT_EQ(r.layers.size(), 5u);

  // The ReLU layer: unit 1 is x0 + x1 + 0.5 > 0 for every sample, units 2, 3 are 0.
  const LayerDiagnostics& relu = r.layers[1];
  EXPECT_EQ(relu.layer, 2u);
  EXPECT_EQ(relu.type, "relu");
  EXPECT_EQ(relu.range, OutputRange::kNonNegative);
  EXPECT_TRUE(relu.activation);
  EXPECT_EQ(relu.units, 3u);
  EXPECT_EQ(relu.values, 105u);
  EXPECT_NEAR(relu.dead, 2.0 / 3.0, 1e-12);
  EXPECT_TRUE(std::isnan(relu.saturated));
  double sum = 0, squares = 0, top = 0;
  for (std::size_t i = 0; i < 35; ++i) {
    const double a = data.features[2 * i] + data.features[2 * i + 1] + 0.5;
    sum += a;
    squares += a * a;
    top = std::max(top, a);
  }
  const double mean = sum / 105, variance = squares / 105 - mean * mean;
  EXPECT_NEAR(relu.mean, mean, 1e-6);
  EXPECT_NEAR(relu.std, std::sqrt(variance), 1e-6);
  EXPECT_NEAR(relu.max, top, 1e-6);
  EXPECT_EQ(relu.min, 0);
  // Its histogram: the 70 exact zeros apart, the 35 positive values over (0, max].
  EXPECT_TRUE(relu.histogram.has_zeros);
  EXPECT_EQ(relu.histogram.zeros, 70u);
  EXPECT_EQ(relu.histogram.total(), 105u);
  EXPECT_EQ(relu.histogram.low, 0);
  EXPECT_NEAR(relu.histogram.high, top, 1e-6);
  EXPECT_EQ(relu.histogram.bins.back(), 1u);  // the largest value, 2.5, is alone in the top bin

  // The sigmoid layer: outputs within 1e-20 of 1 and of 0, all saturated,
  // in the first and last bins of [0, 1].
  const LayerDiagnostics& sigmoid = r.layers[3];
  EXPECT_EQ(sigmoid.range, OutputRange::kUnit);
  EXPECT_EQ(sigmoid.saturated, 1.0);
  EXPECT_TRUE(std::isnan(sigmoid.dead));
  EXPECT_NEAR(sigmoid.mean, 0.5, 1e-6);
  EXPECT_NEAR(sigmoid.std, 0.5, 1e-6);
  EXPECT_EQ(sigmoid.histogram.low, 0);
  EXPECT_EQ(sigmoid.histogram.high, 1);
  ASSERT_EQ(sigmoid.histogram.bins.size(), kHistogramBins);
  EXPECT_EQ(sigmoid.histogram.bins.front(), 35u);
  EXPECT_EQ(sigmoid.histogram.bins.back(), 35u);
  EXPECT_FALSE(sigmoid.histogram.has_zeros);

  // Dense layers: symmetric bins over [-max|y|, max|y|], no saturation or death.
  const LayerDiagnostics& dense = r.layers[0];
  EXPECT_EQ(dense.range, OutputRange::kUnbounded);
  EXPECT_FALSE(dense.activation);
  EXPECT_EQ(dense.histogram.high, -dense.histogram.low);
  EXPECT_NEAR(dense.histogram.high, std::max(std::fabs(dense.min), std::fabs(dense.max)), 1e-12);
  EXPECT_TRUE(std::isnan(dense.saturated) && std::isnan(dense.dead));

  // The gradient of the output bias under softmax cross-entropy is the
  // batch mean of softmax(z) - onehot(label), here from the sigmoid outputs
  // (exactly 1 and 0 in float) through the known last layer.
  double g0 = 0, g1 = 0;
  for (std::size_t i = 0; i < 35; ++i) {
    const double z0 = 0.5 * 1 + 0.75 * 0 + 0.1, z1 = -0.25 * 1 + 1.0 * 0 - 0.2;
    const double p0 = 1 / (1 + std::exp(z1 - z0));
    g0 += p0 - (data.labels[i] == 0);
    g1 += (1 - p0) - (data.labels[i] == 1);
  }
  const LayerDiagnostics& out = r.layers[4];
  ASSERT_EQ(out.params.size(), 2u);
  EXPECT_EQ(out.params[1].name, "b");
  EXPECT_NEAR(out.params[1].grad_norm, std::hypot(g0, g1) / 35, 1e-6);
  EXPECT_NEAR(out.params[1].weight_norm, std::hypot(0.1, 0.2), 1e-6);
  EXPECT_NEAR(out.grad_norm, std::hypot(out.params[0].grad_norm, out.params[1].grad_norm), 1e-12);
  // The dead units pass no gradient back: their weights' gradients are 0,
  // and the saturated sigmoid passes (almost) none either.
  EXPECT_NEAR(r.layers[0].grad_norm, 0, 1e-6);
  // No update yet at the first record; parameterless layers have no norms.
  EXPECT_TRUE(std::isnan(out.update_ratio));
  EXPECT_TRUE(std::isnan(relu.grad_norm));
  EXPECT_TRUE(relu.params.empty());
  // Gradients are left zero.
  for (const auto& p : net.params())
    for (float g : p.grad->span()) EXPECT_EQ(g, 0.0f);
}

TEST(Diagnostics, UpdateRatioIsTheRelativeChangeSinceTheLastRecord) {
  Network<float> net(hand_built());
  set_known_weights(net);
  auto loss = make_loss<float>("softmax_cross_entropy");
  LayerProbe probe(square_points(10));
  probe.measure(net, *loss, 0, 0);
  // Scale the first layer's weights by 1.1 and move its bias by a known step.
  auto& p = net.params();
  const double w_norm = std::sqrt(2 * (1 + 1 + 4.0)), b_norm = std::sqrt(0.25 + 0.01 + 0.01);
  for (float& w : p[0].value->span()) w *= 1.1f;
  (*p[1].value)[0] += 0.3f;
  const DiagnosticsRecord r = probe.measure(net, *loss, 1, 7);
  EXPECT_EQ(r.record, 1u);
  EXPECT_EQ(r.epoch, 1);
  EXPECT_EQ(r.iteration, 7);
  const LayerDiagnostics& first = r.layers[0];
  EXPECT_NEAR(first.params[0].update_ratio, 0.1, 1e-6);
  EXPECT_NEAR(first.params[1].update_ratio, 0.3 / b_norm, 1e-6);
  EXPECT_NEAR(first.update_ratio, std::hypot(0.1 * w_norm, 0.3) / std::hypot(w_norm, b_norm), 1e-6);
  EXPECT_EQ(r.layers[2].update_ratio, 0);  // unchanged
  EXPECT_NEAR(r.layers[0].weight_norm, std::hypot(1.1 * w_norm, std::sqrt(0.8 * 0.8 + 0.02)), 1e-5);
}

TEST(Diagnostics, HistogramBinsSumToTheProbeSize) {
  // Every activation, a random network, a probe that is not a round number.
  Architecture a{Shape{4},
                 {{"dense", {{"units", 6}}}, {"tanh", {}}, {"dense", {{"units", 5}}}, {"leaky_relu", {}},
                  {"dense", {{"units", 5}}}, {"relu", {}}, {"dense", {{"units", 4}}}, {"sigmoid", {}},
                  {"dense", {{"units", 3}}}, {"identity", {}}, {"dense", {{"units", 3}}}, {"softmax", {}}}};
  Network<float> net(a);
  Rng rng(3);
  net.initialize(InitScheme::parse("normal:1"), rng);
  Dataset d;
  d.task = Task::kClassification;
  d.sample_shape = Shape{4};
  d.class_names = {"a", "b", "c"};
  for (std::size_t i = 0; i < 37; ++i) {
    for (int j = 0; j < 4; ++j) d.features.push_back(static_cast<float>(rng.normal()));
    d.labels.push_back(static_cast<std::int32_t>(i % 3));
  }
  auto loss = make_loss<float>("softmax_cross_entropy");
  LayerProbe probe(d, 1000);
  EXPECT_EQ(probe.size(), 37u);
  const DiagnosticsRecord r = probe.measure(net, *loss, 0, 0);
  ASSERT_EQ(r.layers.size(), 12u);
  for (const LayerDiagnostics& layer : r.layers) {
    EXPECT_EQ(layer.values, 37u * net.layer(layer.layer - 1).output_shape().elements()) << layer.type;
    EXPECT_EQ(layer.histogram.total(), layer.values) << layer.type;
    EXPECT_EQ(layer.histogram.bins.size(), kHistogramBins) << layer.type;
    EXPECT_EQ(layer.histogram.has_zeros, layer.type == "relu") << layer.type;
    EXPECT_EQ(std::isfinite(layer.saturated), layer.type == "tanh" || layer.type == "sigmoid" ||
                                                  layer.type == "softmax")
        << layer.type;
  }
  EXPECT_EQ(r.layers[1].histogram.low, -1);  // tanh
  EXPECT_EQ(r.layers[1].histogram.high, 1);
  EXPECT_LT(r.layers[3].histogram.low, 0);  // leaky ReLU: symmetric, negatives included
}

TEST(Diagnostics, DeadMeansAWholeChannelForConvolutions) {
  // A (1, 3, 3) image through a 2-filter convolution and ReLU: filter 2 is
  // all negative on non-negative pixels, so its whole channel is dead.
  Network<float> net({Shape{1, 3, 3}, {{"conv2d", {{"filters", 2}, {"kernel", 1}}}, {"relu", {}}}});
  auto& p = net.params();
  (*p[0].value)[0] = 1.0f, (*p[0].value)[1] = -1.0f;
  p[1].value->zero();
  Dataset d;
  d.task = Task::kRegression;
  d.sample_shape = Shape{1, 3, 3};
  d.target_dim = 18;
  for (std::size_t i = 0; i < 4; ++i)
    for (int j = 0; j < 9; ++j) d.features.push_back(static_cast<float>(j == 4 ? 0 : 1));
  d.targets.assign(4 * 18, 0.0f);
  auto loss = make_loss<float>("mse");
  LayerProbe probe(d);
  const DiagnosticsRecord r = probe.measure(net, *loss, 0, 0);
  EXPECT_EQ(r.layers[1].units, 2u);
  EXPECT_EQ(r.layers[1].dead, 0.5);  // channel 1 fires (except at its centre pixel), channel 2 never
}

TEST(DiagnosticsCadence, ParsesItsFormsAndNamesTheKeyOtherwise) {
  EXPECT_FALSE(DiagnosticsCadence::parse("off").on());
  const DiagnosticsCadence epoch = DiagnosticsCadence::parse("epoch");
  EXPECT_EQ(epoch.kind, DiagnosticsCadence::Kind::kEpochs);
  EXPECT_EQ(epoch.every, 1u);
  EXPECT_EQ(DiagnosticsCadence::parse("epoch:3").every, 3u);
  const DiagnosticsCadence steps = DiagnosticsCadence::parse("every:200");
  EXPECT_EQ(steps.kind, DiagnosticsCadence::Kind::kIterations);
  EXPECT_EQ(steps.every, 200u);
  for (const char* text : {"off", "epoch", "epoch:3", "every:200"})
    EXPECT_EQ(DiagnosticsCadence::parse(text).str(), text);
  for (const char* bad : {"every:0", "every:", "every:x", "epoch:-1", "weekly", ""})
    testing::expect_error([&] { DiagnosticsCadence::parse(bad); }, ErrorKind::kUsage,
                          {"train.diagnostics", "every:N"});
  TrainConfig c;
  EXPECT_EQ(c.diagnostics, "off");
  c.set("train.diagnostics", "every:50");
  EXPECT_EQ(c.get("train.diagnostics"), "every:50");
  testing::expect_error([&] { c.set("diagnostics", "sometimes"); }, ErrorKind::kUsage, {"train.diagnostics"});
}

// A digits run with diagnostics; returns its records as read back.
TrainConfig digits_run(const std::string& out, const std::string& diagnostics) {
  TrainConfig c;
  c.set("data.source", "digits");
  c.set("model.layers", "16,8");
  c.set("model.activation", "sigmoid");
  c.set("model.dropout", "0.2");
  c.set("train.epochs", "3");
  c.set("train.batch_size", "64");
  c.set("train.diagnostics", diagnostics);
  c.set("output.dir", out);
  return c;
}

std::size_t data_rows(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  for (std::string line; std::getline(in, line);) n += !line.empty();
  return n - 1;  // the header
}

TEST(Diagnostics, RunWritesItsFilesAndTrainsTheSameWeights) {
  const std::string with = testing::temp_dir("diag_on"), without = testing::temp_dir("diag_off");
  const RunSummary a = run_training(digits_run(with, "epoch"), nullptr);
  const RunSummary b = run_training(digits_run(without, "off"), nullptr);
  // Records change nothing the training sees: the same model, bit for bit.
  const Model ma = load_model(with + "/model.snm"), mb = load_model(without + "/model.snm");
  ASSERT_EQ(ma.network->params().size(), mb.network->params().size());
  for (std::size_t i = 0; i < ma.network->params().size(); ++i) {
    const auto x = ma.network->params()[i].value->span(), y = mb.network->params()[i].value->span();
    EXPECT_TRUE(std::equal(x.begin(), x.end(), y.begin(), y.end())) << "parameter " << i;
  }
  EXPECT_EQ(a.test_accuracy, b.test_accuracy);
  EXPECT_FALSE(fs::exists(without + "/layers.csv"));

  // Initialisation and 3 epochs: 4 records of 7 layers ((dense, sigmoid, dropout) x 2, dense).
  const std::size_t layers = 7;
  EXPECT_EQ(data_rows(with + "/layers.csv"), 4 * layers);
  EXPECT_EQ(data_rows(with + "/histograms.csv"), 4 * layers * kHistogramBins);
  EXPECT_EQ(data_rows(with + "/parameters.csv"), 4 * 3 * 2u);  // 3 dense layers, W and b
  std::ifstream header(with + "/layers.csv");
  std::string line;
  std::getline(header, line);
  EXPECT_EQ(line,
            "record,epoch,iteration,layer,type,units,mean,std,min,max,saturated,dead,non_finite,grad_norm,"
            "weight_norm,update_ratio");
  const std::vector<DiagnosticsRecord> records = read_diagnostics(with);
  ASSERT_EQ(records.size(), 4u);
  for (std::size_t k = 0; k < records.size(); ++k) {
    EXPECT_EQ(records[k].record, k);
    EXPECT_EQ(records[k].epoch, static_cast<double>(k));
    ASSERT_EQ(records[k].layers.size(), layers);
    EXPECT_EQ(records[k].layers[1].type, "sigmoid");
    EXPECT_EQ(records[k].layers[1].range, OutputRange::kUnit);
    EXPECT_TRUE(records[k].layers[1].activation);
    EXPECT_EQ(records[k].layers[1].histogram.bins.size(), kHistogramBins);
    EXPECT_EQ(records[k].layers[0].params.size(), 2u);
    EXPECT_EQ(std::isnan(records[k].layers[0].update_ratio), k == 0);
  }
  // 1,347 training digits, probe of 1,000: every sigmoid output in a bin.
  EXPECT_EQ(records[0].layers[1].histogram.total(), 1000u * 16);
  EXPECT_EQ(records[3].iteration, static_cast<std::int64_t>(3 * ((a.train_samples + 63) / 64)));
  fs::remove_all(with);
  fs::remove_all(without);
}

TEST(Diagnostics, FilesReadBackAsWritten) {
  Network<float> net(hand_built());
  set_known_weights(net);
  auto loss = make_loss<float>("softmax_cross_entropy");
  LayerProbe probe(square_points(20));
  const std::string dir = testing::temp_dir("diag_files");
  fs::create_directories(dir);
  std::vector<DiagnosticsRecord> written;
  {
    DiagnosticsWriter writer(dir + "/layers.csv", dir + "/histograms.csv", dir + "/parameters.csv");
    for (int k = 0; k < 3; ++k) {
      written.push_back(probe.measure(net, *loss, 0.5 * k, 10 * k));
      writer.write(written.back());
      for (float& w : net.params()[2].value->span()) w *= 0.5f;
    }
  }
  const std::vector<DiagnosticsRecord> read = read_diagnostics(dir);
  ASSERT_EQ(read.size(), written.size());
  auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || std::fabs(a - b) <= 1e-5 * std::fabs(a); };
  for (std::size_t k = 0; k < read.size(); ++k) {
    EXPECT_EQ(read[k].epoch, written[k].epoch);
    EXPECT_EQ(read[k].iteration, written[k].iteration);
    ASSERT_EQ(read[k].layers.size(), written[k].layers.size());
    for (std::size_t i = 0; i < read[k].layers.size(); ++i) {
      const LayerDiagnostics &r = read[k].layers[i], &w = written[k].layers[i];
      EXPECT_EQ(r.type, w.type);
      EXPECT_EQ(r.units, w.units);
      for (auto field : {&LayerDiagnostics::mean, &LayerDiagnostics::std, &LayerDiagnostics::saturated,
                         &LayerDiagnostics::dead, &LayerDiagnostics::grad_norm, &LayerDiagnostics::update_ratio})
        EXPECT_TRUE(same(r.*field, w.*field)) << "record " << k << " layer " << i << ": " << r.*field << " vs "
                                              << w.*field;
      EXPECT_EQ(r.histogram.bins, w.histogram.bins);
      EXPECT_EQ(r.histogram.has_zeros, w.histogram.has_zeros);
      EXPECT_EQ(r.histogram.zeros, w.histogram.zeros);
      EXPECT_TRUE(same(r.histogram.high, w.histogram.high));
      ASSERT_EQ(r.params.size(), w.params.size());
      for (std::size_t j = 0; j < r.params.size(); ++j) {
        EXPECT_EQ(r.params[j].name, w.params[j].name);
        EXPECT_EQ(r.params[j].size, w.params[j].size);
        EXPECT_TRUE(same(r.params[j].grad_norm, w.params[j].grad_norm));
      }
    }
  }
  // A malformed row names the file and line.
  std::ofstream(dir + "/layers.csv", std::ios::app) << "0,0,0,x,dense,3\n";
  testing::expect_error([&] { read_diagnostics(dir); }, ErrorKind::kData, {"layers.csv:", "layer"});
  fs::remove_all(dir);
}

// Records at init and after every N-th step; the epoch is fractional there.
TEST(Diagnostics, EveryNIterationsRecordsBetweenEpochEnds) {
  const std::string out = testing::temp_dir("diag_every");
  const RunSummary s = run_training(digits_run(out, "every:10"), nullptr);
  const std::size_t steps = (s.train_samples + 63) / 64;  // an epoch's
  const std::vector<DiagnosticsRecord> records = read_diagnostics(out);
  ASSERT_EQ(records.size(), 1 + 3 * steps / 10);
  EXPECT_EQ(records[1].iteration, 10);
  EXPECT_NEAR(records[1].epoch, 10.0 / static_cast<double>(steps), 1e-5);
  EXPECT_NEAR(records[3].epoch, 30.0 / static_cast<double>(steps), 1e-5);
  fs::remove_all(out);
}

}  // namespace
}  // namespace scratchnet
