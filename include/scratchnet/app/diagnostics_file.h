#pragma once
// The per-layer diagnostics of a run (train/diagnostics.h) in its folder, as
// three CSV files, one row per record (record 0 at initialisation) and ...
//   layers.csv      ... layer:
//     record,epoch,iteration,layer,type,units,mean,std,min,max,saturated,dead,non_finite,
//     grad_norm,weight_norm,update_ratio
//   histograms.csv  ... layer and bin:
//     record,epoch,iteration,layer,type,bin,low,high,count
//     (the ReLU family's first row counts the exact zeros: low = high = 0)
//   parameters.csv  ... parameter tensor:
//     record,epoch,iteration,layer,type,param,size,grad_norm,weight_norm,update_ratio
// `layer` numbers the layers from 1 as Network::summary does; `epoch` is
// the epochs done (fractional for records between epoch ends). An empty
// cell is a value that does not apply (saturation of a ReLU layer) or is
// undefined (update_ratio at the first record).
//
// DiagnosticsWriter is the DiagnosticsCallback's sink, writing (and
// flushing) each record as it comes; read_diagnostics reads the files back
// into records for the figures (experiments/diagnostics_plots.h). A run
// resumed from a checkpoint starts its files afresh at the point it
// resumed from (record 0 there; checkpoints do not carry the records).
// A run without diagnostics removes the files an earlier run left in its
// folder.

#include <fstream>
#include <string>
#include <vector>

#include "scratchnet/core/export.h"
#include "scratchnet/train/diagnostics.h"

namespace scratchnet {

inline constexpr const char* kLayersFile = "layers.csv";
inline constexpr const char* kHistogramsFile = "histograms.csv";
inline constexpr const char* kParametersFile = "parameters.csv";

class SCRATCHNET_API DiagnosticsWriter {
 public:
  // Creates the three files (their headers); throws a data error naming a
  // file it cannot write.
  DiagnosticsWriter(const std::string& layers, const std::string& histograms, const std::string& parameters);
  void write(const DiagnosticsRecord& record);

 private:
  std::ofstream layers_, histograms_, parameters_;
};

// The records in `run_dir`'s diagnostics files, in order; empty when the run
// has none (no layers.csv). Each layer's range and activation flag come from
// the layer registry by its type. Throws a data error naming the file and
// line of a malformed row.
SCRATCHNET_API std::vector<DiagnosticsRecord> read_diagnostics(const std::string& run_dir);

}  // namespace scratchnet
