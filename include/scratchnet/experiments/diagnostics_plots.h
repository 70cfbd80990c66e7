#pragma once
// Figures of per-layer diagnostics (train/diagnostics.h, read back by
// app/diagnostics_file.h).
//
// In a run folder (`scratchnet plot RUN`, and compare for each variant's
// first run), when the run recorded diagnostics:
//   activation_histograms  one panel per activation layer (the registry's
//                          flag: sigmoid, tanh, ReLU, ...): the histogram of
//                          its outputs on the probe batch at the first record
//                          (initialisation) and at the last; the book's
//                          figure of chapter 6. The y axis is the share of
//                          the layer's outputs in each bin; the panels share
//                          one x axis and its bins (the ReLU family's [0, max]
//                          histograms re-binned over the largest max), so
//                          shrinking or exploding outputs show from panel to
//                          panel; the ReLU family's exact zeros are left out
//                          of the bars and noted in the panel.
//   activation_spread      the std of each activation layer's outputs, by
//                          layer, at the first and the last record: vanishing
//                          or exploding activations at a glance
//   gradient_norms         ||dL/dw|| of the probe batch per layer with
//                          parameters, over the records (log scale)
//   update_ratios          ||w - w_prev|| / ||w_prev|| per layer between
//                          records (log scale; about 1e-3 per step is the
//                          usual rule of thumb)
//   dead_saturated         the share of dead units (ReLU family) or of
//                          saturated outputs (sigmoid, tanh) per layer, over
//                          the records
//
// In a comparison (compare_report), from each variant's first run:
//   activation_histograms[-FACET]  one row of panels per variant, one panel
//                          per activation layer: the histograms at the first
//                          record (initialisation), one x axis per row (one
//                          figure per facet value)
//   activation_spread      the std of each activation layer's outputs at
//                          initialisation, by layer, one curve per variant
//                          (one panel per facet value)

#include <string>
#include <utility>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/experiments/plot.h"
#include "scratchnet/experiments/run_plots.h"

namespace scratchnet {

// The diagnostics figures of the run in `run_dir`, rendered there; nothing
// (and any such figure of an earlier run removed) when it has no diagnostics.
SCRATCHNET_API PlotOutcome plot_diagnostics(const std::string& run_dir);

// Runs shown side by side: a title (a facet value, or empty) and its runs
// as (label, run folder) pairs.
struct SCRATCHNET_API RunGroup {
  std::string title;
  std::vector<std::pair<std::string, std::string>> runs;
};

// The comparison figures over `groups` (see above); empty when no run has
// diagnostics. Charts are returned to be rendered by the caller.
SCRATCHNET_API std::vector<Chart> compare_diagnostics_charts(const std::vector<RunGroup>& groups);

}  // namespace scratchnet
