#include "scratchnet/train/diagnostics.h"

#include <algorithm>
#include <charconv>
#include <cfloat>
#include <cmath>
#include <numeric>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace {

// Saturated: beyond 0.99 of the range, y < 0.01 or y > 0.99 for sigmoid,
// |y| > 0.99 for tanh.
constexpr double kSaturated = 0.99;

// A positive whole number, or 0 when `text` is not one.
std::size_t positive(std::string_view text) {
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  return ec == std::errc() && ptr == text.data() + text.size() ? n : 0;
}

double norm(std::span<const float> values) {
  double sum = 0;
  for (float v : values) sum += static_cast<double>(v) * v;
  return std::sqrt(sum);
}

double distance(std::span<const float> a, std::span<const float> b) {
  double sum = 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  return std::sqrt(sum);
}

// ||w - w_prev|| / ||w_prev||, or NaN without a previous record or when it was 0.
double ratio(double moved, double previous_norm) { return previous_norm > 0 ? moved / previous_norm : kNaN; }

// A layer's outputs are read twice per record: the loops below keep kLanes
// independent float accumulators, which the compiler turns into vector
// instructions, and add them into doubles every kBlock values.
constexpr std::size_t kLanes = 16, kBlock = 1024;

// Pass 1: sum, extremes, and whether every value is finite.
struct Totals {
  double sum = 0;
  float low = INFINITY, high = -INFINITY;
  bool finite = true;
};
Totals totals(const float* p, std::size_t n) {
  Totals t;
  float low[kLanes], high[kLanes];
  int bad[kLanes] = {};
  std::fill(low, low + kLanes, INFINITY);
  std::fill(high, high + kLanes, -INFINITY);
  const std::size_t whole = n - n % kLanes;
  for (std::size_t i = 0; i < whole;) {
    float acc[kLanes] = {};
    for (const std::size_t end = std::min(whole, i + kBlock); i < end; i += kLanes)
      for (std::size_t j = 0; j < kLanes; ++j) {
        const float v = p[i + j];
        acc[j] += v;
        low[j] = v < low[j] ? v : low[j];
        high[j] = v > high[j] ? v : high[j];
        bad[j] |= !(std::fabs(v) <= FLT_MAX);
      }
    for (float a : acc) t.sum += a;
  }
  for (std::size_t i = whole; i < n; ++i) {
    t.sum += p[i];
    low[0] = std::min(low[0], p[i]);
    high[0] = std::max(high[0], p[i]);
    bad[0] |= !(std::fabs(p[i]) <= FLT_MAX);
  }
  for (std::size_t j = 0; j < kLanes; ++j) {
    t.low = std::min(t.low, low[j]);
    t.high = std::max(t.high, high[j]);
    t.finite = t.finite && !bad[j];
  }
  return t;
}

// Pass 2 over finite values: squared deviations from `mean`, the bin counts
// over [low, low + kHistogramBins / scale], exact zeros, and saturated
// values (outside (1 - kSaturated, kSaturated) for [0, 1], beyond
// kSaturated in size for [-1, 1]).
struct Spread {
  double squares = 0;
  std::size_t zeros = 0, saturated = 0;
};
Spread spread(const float* p, std::size_t n, float mean, float low, float scale, OutputRange range,
              std::vector<std::size_t>& bins) {
  Spread s;
  constexpr float kLast = static_cast<float>(kHistogramBins - 1);
  const float below = range == OutputRange::kUnit ? static_cast<float>(1 - kSaturated) : -INFINITY;
  const float above = range == OutputRange::kUnit || range == OutputRange::kSymmetricUnit
                          ? static_cast<float>(kSaturated)
                          : INFINITY;
  // |v| for [-1, 1], v otherwise, without a branch: v * sign(v) or v * 1.
  const bool symmetric = range == OutputRange::kSymmetricUnit;
  for (std::size_t i = 0; i < n;) {
    float squares[kLanes] = {};
    int zeros[kLanes] = {}, saturated[kLanes] = {}, at[kLanes];
    for (const std::size_t end = std::min(n, i + kBlock); i < end; i += kLanes) {
      const std::size_t lanes = std::min(kLanes, end - i);
      if (lanes < kLanes) std::fill(at, at + kLanes, -1);
      for (std::size_t j = 0; j < lanes; ++j) {
        const float v = p[i + j], d = v - mean;
        squares[j] += d * d;
        zeros[j] += v == 0 ? 1 : 0;
        const float size = symmetric ? std::fabs(v) : v;
        saturated[j] += (size < below ? 1 : 0) + (size > above ? 1 : 0);
        float bin = (v - low) * scale;
        bin = bin < 0 ? 0 : bin;
        bin = bin > kLast ? kLast : bin;
        at[j] = static_cast<int>(bin);
      }
      for (std::size_t j = 0; j < kLanes; ++j)
        if (at[j] >= 0) ++bins[static_cast<std::size_t>(at[j])];
    }
    for (std::size_t j = 0; j < kLanes; ++j) {
      s.squares += squares[j];
      s.zeros += static_cast<std::size_t>(zeros[j]);
      s.saturated += static_cast<std::size_t>(saturated[j]);
    }
  }
  return s;
}

}  // namespace

// ------------------------------------------------------------------ cadence

DiagnosticsCadence DiagnosticsCadence::parse(const std::string& text, const std::string& key) {
  DiagnosticsCadence c;
  const std::string_view t = text;
  if (t == "off" || t == "none" || t == "false") return c;
  if (t == "epoch" || t == "on" || t == "true") {
    c.kind = Kind::kEpochs;
    return c;
  }
  if (t.starts_with("epoch:") && (c.every = positive(t.substr(6))) > 0) {
    c.kind = Kind::kEpochs;
    return c;
  }
  if (t.starts_with("every:") && (c.every = positive(t.substr(6))) > 0) {
    c.kind = Kind::kIterations;
    return c;
  }
  throw_usage("{}: '{}' is not a cadence (off | epoch | epoch:K for every K-th epoch | every:N for every N-th "
              "iteration)",
              key, text);
}

std::string DiagnosticsCadence::str() const {
  switch (kind) {
    case Kind::kOff:
      return "off";
    case Kind::kEpochs:
      return every == 1 ? "epoch" : fmt::format("epoch:{}", every);
    case Kind::kIterations:
      break;
  }
  return fmt::format("every:{}", every);
}

// ---------------------------------------------------------------- histogram

std::size_t Histogram::total() const {
  return std::accumulate(bins.begin(), bins.end(), std::size_t{0}) + zeros;
}

double Histogram::bin_low(std::size_t k) const {
  return low + (high - low) * static_cast<double>(k) / static_cast<double>(bins.size());
}

double Histogram::bin_high(std::size_t k) const { return bin_low(k + 1); }

void describe_output(const Tensor& y, std::size_t units, OutputRange range, LayerDiagnostics& out) {
  out.units = units;
  out.values = y.size();
  // Non-finite values (a diverging network) are left out of the rest: the
  // passes then run over a copy of the finite ones.
  Totals t = totals(y.data(), y.size());
  std::vector<float> kept;
  std::span<const float> values = y.span();
  if (!t.finite) {
    for (float v : values)
      if (std::isfinite(v)) kept.push_back(v);
    values = kept;
    t = totals(kept.data(), kept.size());
  }
  const std::size_t finite = values.size();
  out.non_finite = y.size() ? static_cast<double>(y.size() - finite) / static_cast<double>(y.size()) : 0;
  if (finite == 0) return;
  const double mean = t.sum / static_cast<double>(finite);
  out.mean = mean;
  out.min = t.low;
  out.max = t.high;

  // The bins over the range the layer type's outputs take.
  Histogram& h = out.histogram;
  h.bins.assign(kHistogramBins, 0);
  h.has_zeros = range == OutputRange::kNonNegative;
  switch (range) {
    case OutputRange::kUnit:
      h.low = 0, h.high = 1;
      break;
    case OutputRange::kSymmetricUnit:
      h.low = -1, h.high = 1;
      break;
    case OutputRange::kNonNegative:
      h.low = 0, h.high = std::max<double>(t.high, 0);
      break;
    case OutputRange::kUnbounded: {
      const double largest = std::max(std::fabs(t.low), std::fabs(t.high));
      h.high = largest > 0 ? largest : 1;
      h.low = -h.high;
      break;
    }
  }
  const double scale = h.high > h.low ? static_cast<double>(kHistogramBins) / (h.high - h.low) : 0;
  const Spread s = spread(values.data(), finite, static_cast<float>(mean), static_cast<float>(h.low),
                          static_cast<float>(scale), range, h.bins);
  out.std = std::sqrt(s.squares / static_cast<double>(finite));
  if (range == OutputRange::kUnit || range == OutputRange::kSymmetricUnit)
    out.saturated = static_cast<double>(s.saturated) / static_cast<double>(finite);
  // The ReLU family's exact zeros, counted in the first bin so far, stand apart.
  if (h.has_zeros) {
    h.zeros = s.zeros;
    h.bins[0] -= s.zeros;
  }

  // Dead units: every value of the unit (a feature, or a channel's whole map)
  // over every sample is exactly 0.
  if (range == OutputRange::kNonNegative && units > 0) {
    const std::size_t per_unit = y.cols() / units;
    std::vector<char> alive(units, 0);
    for (std::size_t r = 0; r < y.rows(); ++r) {
      const float* row = y.row(r);
      if (per_unit == 1) {  // features of a dense layer: one value a unit
        for (std::size_t u = 0; u < units; ++u) alive[u] |= row[u] != 0 ? 1 : 0;
        continue;
      }
      for (std::size_t u = 0; u < units; ++u) {
        char fired = 0;
        for (std::size_t p = 0; p < per_unit; ++p) fired |= row[u * per_unit + p] != 0 ? 1 : 0;
        alive[u] |= fired;
      }
    }
    out.dead = static_cast<double>(std::count(alive.begin(), alive.end(), 0)) / static_cast<double>(units);
  }
}

// -------------------------------------------------------------------- probe

LayerProbe::LayerProbe(const Dataset& data, std::size_t probe_size) {
  const std::size_t n = std::min(data.size(), probe_size);
  if (n == 0) throw_usage("diagnostics: the training set is empty, so there is no probe batch");
  std::vector<std::size_t> indices(n);
  std::iota(indices.begin(), indices.end(), 0);
  data.gather(indices, x_, labels_, y_);
  if (data.task == Task::kRegression) labels_.assign(n, 0);  // size() counts samples
}

DiagnosticsRecord LayerProbe::measure(Network<float>& network, Loss<float>& loss, double epoch,
                                      std::int64_t iteration) {
  DiagnosticsRecord record;
  record.record = records_++;
  record.epoch = epoch;
  record.iteration = iteration;
  record.probe_samples = size();

  // Forward in eval mode (changes no state), then the probe loss's gradient.
  network.zero_grad();
  const Tensor& out = network.forward(x_, Mode::kEval);
  const Targets<float> targets{labels_, &y_};
  record.probe_loss = loss.forward(out, targets);
  if (std::isfinite(record.probe_loss)) network.backward(loss.backward());

  std::size_t at = 0;  // index into the network's parameter list
  const bool first = previous_.empty();
  for (std::size_t i = 0; i < network.size(); ++i) {
    Layer<float>& layer = network.layer(i);
    const LayerType& type = layer_type(layer.spec().type);
    LayerDiagnostics d;
    d.layer = i + 1;
    d.type = type.name;
    d.range = type.output_range;
    d.activation = type.activation;
    const Shape& shape = layer.output_shape();
    describe_output(network.layer_output(i), shape.rank() ? shape[0] : 1, d.range, d);

    double grad_sq = 0, weight_sq = 0, moved_sq = 0, previous_sq = 0;
    const auto params = layer.params();
    for (const Param<float>& p : params) {
      ParamDiagnostics pd;
      pd.name = p.name;
      pd.size = p.value->size();
      pd.grad_norm = std::isfinite(record.probe_loss) ? norm(p.grad->span()) : kNaN;
      pd.weight_norm = norm(p.value->span());
      if (!first) {
        const Tensor& before = previous_[at];
        const double moved = distance(p.value->span(), before.span()), was = norm(before.span());
        pd.update_ratio = ratio(moved, was);
        moved_sq += moved * moved;
        previous_sq += was * was;
      }
      grad_sq += pd.grad_norm * pd.grad_norm;
      weight_sq += pd.weight_norm * pd.weight_norm;
      d.params.push_back(pd);
      ++at;
    }
    if (!params.empty()) {
      d.grad_norm = std::sqrt(grad_sq);
      d.weight_norm = std::sqrt(weight_sq);
      if (!first) d.update_ratio = ratio(std::sqrt(moved_sq), std::sqrt(previous_sq));
    }
    record.layers.push_back(std::move(d));
  }
  network.zero_grad();

  previous_.clear();
  for (const Param<float>& p : network.params()) previous_.push_back(*p.value);
  return record;
}

// ----------------------------------------------------------------- callback

DiagnosticsCallback::DiagnosticsCallback(DiagnosticsCadence cadence, Sink sink, std::size_t probe_size)
    : cadence_(cadence), sink_(std::move(sink)), probe_size_(probe_size) {}

void DiagnosticsCallback::on_fit_begin(Trainer& trainer, const FitData& data, const TrainingState* resume) {
  if (!cadence_.on()) return;
  probe_ = std::make_unique<LayerProbe>(*data.train, probe_size_);
  take(trainer, resume ? static_cast<double>(resume->epochs_done) : 0.0,
       resume ? resume->optimizer_steps : 0);
}

void DiagnosticsCallback::on_step(Trainer& trainer, const StepInfo& step) {
  if (cadence_.kind != DiagnosticsCadence::Kind::kIterations || step.iteration % cadence_.every != 0) return;
  const double epoch = static_cast<double>(step.epoch - 1) +
                       static_cast<double>(step.batch) / static_cast<double>(step.batches);
  take(trainer, epoch, step.iteration);
}

void DiagnosticsCallback::on_epoch_end(Trainer& trainer, const EpochStats& stats, EpochControl& /*control*/) {
  if (cadence_.kind != DiagnosticsCadence::Kind::kEpochs || stats.epoch % cadence_.every != 0) return;
  take(trainer, static_cast<double>(stats.epoch), stats.iteration);
}

void DiagnosticsCallback::take(Trainer& trainer, double epoch, std::int64_t iteration) {
  sink_(probe_->measure(trainer.network(), trainer.loss(), epoch, iteration));
}

}  // namespace scratchnet
