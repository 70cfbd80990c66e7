#include "scratchnet/experiments/diagnostics_plots.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>

#include "scratchnet/app/diagnostics_file.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

// The run figures, in the order plot_diagnostics draws them.
const std::vector<std::string> kRunCharts = {"activation_histograms", "activation_spread", "gradient_norms",
                                             "update_ratios", "dead_saturated"};

std::string record_label(const DiagnosticsRecord& r) {
  return r.epoch == 0 && r.iteration == 0 ? "initialisation" : fmt::format("epoch {:g}", r.epoch);
}

std::string layer_label(const LayerDiagnostics& d) { return fmt::format("layer {} {}", d.layer, d.type); }

// The range that holds every histogram of `layers` (null entries skipped).
std::pair<double, double> common_range(const std::vector<const LayerDiagnostics*>& layers) {
  double low = INFINITY, high = -INFINITY;
  for (const LayerDiagnostics* d : layers)
    if (d && !d->histogram.bins.empty()) low = std::min(low, d->histogram.low), high = std::max(high, d->histogram.high);
  return {low, high};
}

// The outline of a layer's histogram as a steps series over kHistogramBins
// bins of [low, high] (which holds h's range): y is the share of the
// layer's finite outputs in each bin, the ReLU family's zeros left out.
// Each of h's bins spreads its count over the new bins it overlaps, as if
// its values were uniform within it; layers drawn on one x axis then share
// their bins, so that their shares per bin compare.
Series histogram_series(const std::string& label, const Histogram& h, double low, double high) {
  Series s{label, {}, {}};
  const double total = static_cast<double>(h.total());
  if (h.bins.empty() || total == 0 || !(high >= low)) return s;
  const double width = (high - low) / static_cast<double>(kHistogramBins);
  auto bin_of = [&](double v) {
    const double at = width > 0 ? (v - low) / width : 0;
    return static_cast<std::size_t>(std::clamp(at, 0.0, static_cast<double>(kHistogramBins - 1)));
  };
  std::vector<double> shares(kHistogramBins, 0.0);
  for (std::size_t k = 0; k < h.bins.size(); ++k) {
    const double share = static_cast<double>(h.bins[k]) / total, a = h.bin_low(k), b = h.bin_high(k);
    if (share == 0) continue;
    if (!(b > a) || width == 0) {
      shares[bin_of(a)] += share;
      continue;
    }
    for (std::size_t j = bin_of(a); j <= bin_of(b); ++j) {
      const double from = std::max(a, low + width * static_cast<double>(j));
      const double to = std::min(b, low + width * static_cast<double>(j + 1));
      if (to > from) shares[j] += share * (to - from) / (b - a);
    }
  }
  auto point = [&](double x, double y) {
    s.x.push_back(x);
    s.y.push_back(y);
  };
  point(low, 0);
  for (std::size_t j = 0; j < kHistogramBins; ++j) point(low + width * static_cast<double>(j), shares[j]);
  point(high, shares.back());
  point(high, 0);
  return s;
}

// The share of exact zeros of the ReLU family, left out of the bars:
// "zeros 52%", or "zeros 52% → 48%" from the first record to the last.
std::string zeros_note(const std::vector<const LayerDiagnostics*>& layers) {
  std::vector<std::string> shares;
  for (const LayerDiagnostics* d : layers)
    if (d && d->histogram.has_zeros && d->histogram.total() > 0)
      shares.push_back(fmt::format("{:.0f}%", 100.0 * static_cast<double>(d->histogram.zeros) /
                                                  static_cast<double>(d->histogram.total())));
  if (shares.empty()) return "";
  if (shares.size() == 2 && shares[0] == shares[1]) shares.pop_back();
  std::string text = "zeros " + shares[0];
  for (std::size_t i = 1; i < shares.size(); ++i) text += " → " + shares[i];
  return text;
}

// The layers the histogram figures show: the activations, or every layer
// when the network has none.
std::vector<std::size_t> shown_layers(const DiagnosticsRecord& r) {
  std::vector<std::size_t> shown;
  for (std::size_t i = 0; i < r.layers.size(); ++i)
    if (r.layers[i].activation) shown.push_back(i);
  if (shown.empty())
    for (std::size_t i = 0; i < r.layers.size(); ++i) shown.push_back(i);
  return shown;
}

const LayerDiagnostics* layer_at(const DiagnosticsRecord& r, std::size_t i) {
  return i < r.layers.size() ? &r.layers[i] : nullptr;
}

bool whole_epochs(const std::vector<DiagnosticsRecord>& records) {
  return std::all_of(records.begin(), records.end(), [](const auto& r) { return r.epoch == std::floor(r.epoch); });
}

// A curve over the records of one layer's value `field`.
Series over_records(const std::string& label, const std::vector<DiagnosticsRecord>& records, std::size_t layer,
                    double LayerDiagnostics::*field) {
  Series s{label, {}, {}};
  for (const DiagnosticsRecord& r : records) {
    s.x.push_back(r.epoch);
    s.y.push_back(layer < r.layers.size() ? r.layers[layer].*field : kNaN);
  }
  return s;
}

bool has_data(const Series& s) {
  return std::any_of(s.y.begin(), s.y.end(), [](double v) { return std::isfinite(v); });
}

// A log axis when positive values span more than two decades.
bool wide(const std::vector<Series>& series) {
  double low = INFINITY, high = 0;
  for (const Series& s : series)
    for (double v : s.y)
      if (std::isfinite(v) && v > 0) low = std::min(low, v), high = std::max(high, v);
  return high > 100 * low;
}

Chart epochs_chart(const std::string& name, const std::string& title, const std::string& y_label,
                   const std::vector<DiagnosticsRecord>& records) {
  Chart chart;
  chart.name = name;
  chart.title = title;
  chart.x_label = "epoch";
  chart.y_label = y_label;
  chart.whole_x = whole_epochs(records);
  chart.style = records.size() <= 30 ? Chart::Style::kLinesPoints : Chart::Style::kLines;
  return chart;
}

// Each activation layer's std by layer number, one series per record given.
Series spread_series(const std::string& label, const DiagnosticsRecord& r) {
  Series s{label, {}, {}};
  for (std::size_t i : shown_layers(r)) {
    s.x.push_back(static_cast<double>(r.layers[i].layer));
    s.y.push_back(r.layers[i].std);
  }
  return s;
}

Chart spread_chart(const std::string& name, const std::string& title) {
  Chart chart;
  chart.name = name;
  chart.title = title;
  chart.x_label = "layer";
  chart.y_label = "std of the outputs";
  chart.whole_x = true;
  chart.style = Chart::Style::kLinesPoints;
  return chart;
}

std::string slug(const std::string& text) {
  std::string out;
  for (char c : text) out += std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ? c : '-';
  return out;
}

}  // namespace

PlotOutcome plot_diagnostics(const std::string& run_dir) {
  PlotOutcome outcome;
  const std::vector<DiagnosticsRecord> records = read_diagnostics(run_dir);
  if (records.empty()) {
    // Figures of an earlier run in this folder would pass for this run's.
    std::error_code ignored;
    for (const std::string& name : kRunCharts)
      for (const char* ext : {".png", ".svg", ".gp", ".dat"}) fs::remove(fs::path(run_dir) / (name + ext), ignored);
    return outcome;
  }
  auto note = [&](const Chart& chart) {
    const RenderResult r = render(chart, run_dir);
    outcome.made.push_back(chart.name);
    if (!r.rendered && outcome.message.empty()) outcome.message = r.message;
  };
  const DiagnosticsRecord &first = records.front(), &last = records.back();
  const bool two = records.size() > 1;

  // The book's figure: one panel per activation layer, first and last
  // record, over the bins of one x axis.
  Chart histograms;
  histograms.name = "activation_histograms";
  histograms.title = "outputs of each activation layer on the probe batch (share per bin)";
  histograms.x_label = "output";
  histograms.y_label = "share of outputs";
  histograms.style = Chart::Style::kSteps;
  const std::vector<std::size_t> shown = shown_layers(first);
  std::vector<const LayerDiagnostics*> all;
  for (std::size_t i : shown) all.insert(all.end(), {&first.layers[i], two ? layer_at(last, i) : nullptr});
  const auto [low, high] = common_range(all);
  for (std::size_t i : shown) {
    const LayerDiagnostics* at_last = two ? layer_at(last, i) : nullptr;
    Panel panel{layer_label(first.layers[i]), {}, zeros_note({&first.layers[i], at_last})};
    panel.series.push_back(histogram_series(record_label(first), first.layers[i].histogram, low, high));
    if (at_last) panel.series.push_back(histogram_series(record_label(last), at_last->histogram, low, high));
    histograms.panels.push_back(std::move(panel));
  }
  if (!histograms.panels.empty()) note(histograms);

  Chart spread = spread_chart("activation_spread", "spread of each activation layer's outputs");
  spread.series.push_back(spread_series(record_label(first), first));
  if (two) spread.series.push_back(spread_series(record_label(last), last));
  spread.log_y = wide(spread.series);
  note(spread);

  Chart gradients = epochs_chart("gradient_norms", "gradient norm of each layer's parameters (probe batch)",
                                 "||dL/dw||", records);
  Chart updates = epochs_chart("update_ratios", "update-to-weight ratio of each layer since the last record",
                               "||w - w_prev|| / ||w_prev||", records);
  Chart shares = epochs_chart("dead_saturated", "dead units (ReLU family) and saturated outputs (sigmoid, tanh)",
                              "share", records);
  for (std::size_t i = 0; i < first.layers.size(); ++i) {
    const LayerDiagnostics& d = first.layers[i];
    const std::string label = layer_label(d);
    Series g = over_records(label, records, i, &LayerDiagnostics::grad_norm);
    if (has_data(g)) gradients.series.push_back(std::move(g));
    Series u = over_records(label, records, i, &LayerDiagnostics::update_ratio);
    if (has_data(u)) updates.series.push_back(std::move(u));
    Series dead = over_records(label + ": dead", records, i, &LayerDiagnostics::dead);
    if (has_data(dead)) shares.series.push_back(std::move(dead));
    Series saturated = over_records(label + ": saturated", records, i, &LayerDiagnostics::saturated);
    if (has_data(saturated)) shares.series.push_back(std::move(saturated));
  }
  gradients.log_y = updates.log_y = true;
  for (const Chart* chart : {&gradients, &updates, &shares})
    if (!chart->series.empty()) note(*chart);
  return outcome;
}

std::vector<Chart> compare_diagnostics_charts(const std::vector<RunGroup>& groups) {
  std::vector<Chart> charts;
  Chart spread = spread_chart("activation_spread", "spread of each activation layer's outputs at initialisation");
  for (const RunGroup& group : groups) {
    Chart histograms;
    histograms.name = group.title.empty() || groups.size() == 1 ? "activation_histograms"
                                                                 : "activation_histograms-" + slug(group.title);
    histograms.title = "outputs of each activation layer on the probe batch at initialisation" +
                       (group.title.empty() ? std::string() : " (" + group.title + ")");
    histograms.x_label = "output";
    histograms.y_label = "share of outputs";
    histograms.style = Chart::Style::kSteps;
    histograms.panel_x_ranges = true;
    Panel spread_panel{group.title, {}};
    std::vector<std::vector<DiagnosticsRecord>> runs;
    std::size_t columns = 0;
    for (const auto& run : group.runs) {
      runs.push_back(read_diagnostics(run.second));
      if (!runs.back().empty()) columns = std::max(columns, shown_layers(runs.back().front()).size());
    }
    for (std::size_t r = 0; r < runs.size(); ++r) {
      const std::vector<DiagnosticsRecord>& records = runs[r];
      if (records.empty()) continue;
      const std::string& label = group.runs[r].first;
      const DiagnosticsRecord& first = records.front();
      const std::vector<std::size_t> shown = shown_layers(first);
      // A row per run, over the bins of one x axis (the book's figure: how
      // the outputs change from layer to layer); a run with fewer layers
      // leaves the rest of its row empty.
      std::vector<const LayerDiagnostics*> row;
      for (std::size_t i : shown) row.push_back(&first.layers[i]);
      const auto [low, high] = common_range(row);
      const std::size_t row_start = histograms.panels.size();
      for (std::size_t i : shown) {
        Panel panel{fmt::format("{} · layer {}", label, first.layers[i].layer), {}, zeros_note({&first.layers[i]})};
        panel.series.push_back(histogram_series(record_label(first), first.layers[i].histogram, low, high));
        histograms.panels.push_back(std::move(panel));
      }
      histograms.panels.resize(row_start + columns);
      spread_panel.series.push_back(spread_series(label, first));
    }
    if (histograms.panels.empty()) continue;
    histograms.columns = columns;
    charts.push_back(std::move(histograms));
    if (groups.size() == 1 && group.title.empty())
      spread.series = std::move(spread_panel.series);
    else
      spread.panels.push_back(std::move(spread_panel));
  }
  if (charts.empty()) return charts;
  std::vector<Series> all = spread.series;
  for (const Panel& p : spread.panels) all.insert(all.end(), p.series.begin(), p.series.end());
  spread.log_y = wide(all);
  charts.push_back(std::move(spread));
  return charts;
}

}  // namespace scratchnet
