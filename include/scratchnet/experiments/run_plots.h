#pragma once
// The plots of one training run, made from its folder (model.snm,
// metrics.csv, config.toml):
//   learning_curves   train/test (and validation) accuracy per epoch, or the
//                     losses for regression
//   loss_curves       train/test (and validation) loss per epoch
//   confusion_matrix  on the run's test split (classification)
//   regression_fit    data points and the learnt curve (1-D regression, seed 002)
//   decision_regions  predicted class over the plane with the data (2-D inputs: OR/XOR)
//   and, when the run recorded per-layer diagnostics, their figures
//   (experiments/diagnostics_plots.h: activation histograms per layer,
//   gradient norms, update ratios, dead and saturated shares)
// Each is rendered as PNG and SVG by gnuplot when it is installed.

#include <string>
#include <vector>

#include "scratchnet/core/export.h"

namespace scratchnet {

struct SCRATCHNET_API PlotOutcome {
  std::vector<std::string> made;  // chart names
  std::string message;            // how to render when gnuplot is missing
};

SCRATCHNET_API PlotOutcome plot_run(const std::string& run_dir);

// The figures (PNG files) in a run folder, for reports to link: first the
// ones plot_run draws, in the order above, then any other, by name. File names,
// not paths; empty when there are none (the run was never plotted).
SCRATCHNET_API std::vector<std::string> run_figure_files(const std::string& run_dir);

}  // namespace scratchnet
