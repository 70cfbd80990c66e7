#pragma once
// Per-layer diagnostics: what every layer of a network does to a fixed
// probe batch, recorded at initialisation (before any step: where the
// book's activation histograms of chapter 6 are taken) and then at a
// cadence, so that a reader can see *why* a run learns or not: sigmoid
// outputs piled at 0 and 1 (saturated), ReLU units that never fire (dead),
// gradients that vanish towards the first layers, weights that barely move.
//
// The probe batch is the first min(N, probe_size) training samples, the same
// at every record. It goes forward in eval mode (no dropout; batch norm with
// its running statistics, which at initialisation are still mean 0 and
// variance 1), so a record changes nothing the training sees: a run with
// diagnostics trains the same weights, bit for bit, as one without. Then
// the loss on the probe batch goes backward for the gradient norms.
//
// For every layer i (in network order) a record holds, over the layer's
// output on the probe batch:
//   mean, std, min, max   over all values (N x sample elements)
//   saturated  share of values within 1% of the ends of a bounded range:
//              [0, 1] (sigmoid): y < 0.01 or y > 0.99; [-1, 1] (tanh):
//              |y| > 0.99. NaN for unbounded layers.
//   dead       share of units that output exactly 0 for every probe sample,
//              for the ReLU family ([0, inf)); NaN otherwise. A unit is an
//              index of the sample shape's first axis: a feature of a dense
//              layer, a channel of a convolution.
//   non_finite share of values that are NaN or infinite (left out of the
//              rest)
//   histogram  kHistogramBins equal bins over the range of the layer type
//              (layers/layer_type.h OutputRange, from the layer registry):
//              [0, 1] and [-1, 1] for the bounded ones; for the ReLU family
//              one bin for the exact zeros, then the bins over (0, max];
//              [-m, m] with m = max |y| for unbounded layers. The counts sum
//              to the number of finite values.
// and, over the layer's parameters (all of them as one vector, and each
// tensor on its own):
//   grad_norm     ||dL/dw|| of the probe batch's mean loss
//   weight_norm   ||w||
//   update_ratio  ||w - w_prev|| / ||w_prev||, w_prev the weights at the
//                 previous record (NaN at the first record)

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/core/tensor.h"
#include "scratchnet/layers/layer_type.h"
#include "scratchnet/losses/loss.h"
#include "scratchnet/train/network.h"
#include "scratchnet/train/trainer.h"

namespace scratchnet {

inline constexpr std::size_t kHistogramBins = 30;  // as the book's plt.hist(a, 30)
inline constexpr std::size_t kDefaultProbeSize = 1000;

// train.diagnostics: when records are taken after the one at initialisation.
//   "off"       none at all (the default)
//   "epoch"     after every epoch; "epoch:K" after every K-th
//   "every:N"   after every N-th optimizer step (iteration)
struct SCRATCHNET_API DiagnosticsCadence {
  enum class Kind { kOff, kEpochs, kIterations };
  Kind kind = Kind::kOff;
  std::size_t every = 1;

  // Throws a usage error naming `key` and the forms when `text` is none of them.
  static DiagnosticsCadence parse(const std::string& text, const std::string& key = "train.diagnostics");
  std::string str() const;
  bool on() const { return kind != Kind::kOff; }
};

// A histogram of one layer's outputs. bins[k] counts the values in
// [low + k w, low + (k + 1) w), w = (high - low) / bins.size(), the last
// bin closed; `zeros` counts exact zeros kept apart (ReLU family: has_zeros).
struct SCRATCHNET_API Histogram {
  double low = 0, high = 0;
  std::vector<std::size_t> bins;
  bool has_zeros = false;
  std::size_t zeros = 0;
  std::size_t total() const;
  double bin_low(std::size_t k) const;
  double bin_high(std::size_t k) const;
};

struct SCRATCHNET_API ParamDiagnostics {
  std::string name;  // the layer's name for it: "W", "b", "gamma", ...
  std::size_t size = 0;
  double grad_norm = 0, weight_norm = 0, update_ratio = kNaN;
};

struct SCRATCHNET_API LayerDiagnostics {
  std::size_t layer = 0;  // 1-based, as Network::summary numbers them
  std::string type;
  OutputRange range = OutputRange::kUnbounded;
  bool activation = false;  // the registry's flag: the layers the book's figure shows
  std::size_t units = 0;
  std::size_t values = 0;  // probe samples x sample elements
  double mean = kNaN, std = kNaN, min = kNaN, max = kNaN;
  double saturated = kNaN, dead = kNaN, non_finite = 0;
  Histogram histogram;
  // Over all the layer's parameters; NaN for a layer without any.
  double grad_norm = kNaN, weight_norm = kNaN, update_ratio = kNaN;
  std::vector<ParamDiagnostics> params;
};

struct SCRATCHNET_API DiagnosticsRecord {
  std::size_t record = 0;    // 0, 1, 2, ... in the order taken
  double epoch = 0;          // epochs done: 0 at initialisation, 2.5 halfway through epoch 3
  std::int64_t iteration = 0;
  std::size_t probe_samples = 0;
  double probe_loss = kNaN;
  std::vector<LayerDiagnostics> layers;
};

// The output statistics and histogram of one layer's output y (N x sample
// elements, `units` the size of the sample shape's first axis) for a layer
// whose outputs take `range`.
SCRATCHNET_API void describe_output(const Tensor& y, std::size_t units, OutputRange range,
                                    LayerDiagnostics& out);

// The probe batch and the weights at the previous record; measure() takes a record.
class SCRATCHNET_API LayerProbe {
 public:
  // The first min(data.size(), probe_size) samples of `data`.
  LayerProbe(const Dataset& data, std::size_t probe_size = kDefaultProbeSize);
  // A record of `network` (epoch and iteration as given). Leaves every
  // parameter gradient zero and no other state changed.
  DiagnosticsRecord measure(Network<float>& network, Loss<float>& loss, double epoch, std::int64_t iteration);
  std::size_t size() const { return labels_.size(); }

 private:
  Tensor x_, y_;
  std::vector<std::int32_t> labels_;
  std::vector<Tensor> previous_;  // parameter values at the last record
  std::size_t records_ = 0;
};

// The training callback: a record at the start of the fit (initialisation,
// or the point a resumed run continues from), then at the cadence, each
// handed to `sink` (app/diagnostics_file.h writes them to the run folder).
class SCRATCHNET_API DiagnosticsCallback final : public TrainCallback {
 public:
  using Sink = std::function<void(const DiagnosticsRecord&)>;
  DiagnosticsCallback(DiagnosticsCadence cadence, Sink sink, std::size_t probe_size = kDefaultProbeSize);
  void on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) override;
  void on_step(Trainer& trainer, const StepInfo& step) override;
  void on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& control) override;

 private:
  void take(Trainer& trainer, double epoch, std::int64_t iteration);

  DiagnosticsCadence cadence_;
  Sink sink_;
  std::size_t probe_size_;
  std::unique_ptr<LayerProbe> probe_;
};

}  // namespace scratchnet
