#include "scratchnet/app/diagnostics_file.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <sstream>

#include <fmt/format.h>

#include "scratchnet/core/error.h"
#include "scratchnet/layers/registry.h"

namespace scratchnet {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLayersHeader =
    "record,epoch,iteration,layer,type,units,mean,std,min,max,saturated,dead,non_finite,grad_norm,weight_norm,"
    "update_ratio";
constexpr const char* kHistogramsHeader = "record,epoch,iteration,layer,type,bin,low,high,count";
constexpr const char* kParametersHeader =
    "record,epoch,iteration,layer,type,param,size,grad_norm,weight_norm,update_ratio";

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }

std::ofstream open_for_writing(const std::string& path, const char* header) {
  std::ofstream out(path);
  if (!out) throw_data("cannot write '{}'", path);
  out << header << '\n';
  return out;
}

// A CSV file with a header, as text cells by column name (no quoting: the
// diagnostics files hold numbers and layer and parameter names only).
class CsvRows {
 public:
  explicit CsvRows(const std::string& path) : path_(path), in_(path) {
    if (!in_) throw_data("cannot open '{}'", path);
    std::string header;
    std::getline(in_, header);
    std::stringstream cells(header);
    for (std::string name; std::getline(cells, name, ',');) {
      const std::size_t index = columns_.size();
      columns_[name] = index;
    }
  }
  // Reads the next row; false at the end.
  bool next() {
    std::string line;
    do {
      if (!std::getline(in_, line)) return false;
      ++line_;
    } while (line.empty());
    cells_.clear();
    std::stringstream row(line);
    for (std::string cell; std::getline(row, cell, ',');) cells_.push_back(cell);
    if (!line.empty() && line.back() == ',') cells_.emplace_back();
    return true;
  }
  const std::string& text(const char* column) const {
    const auto it = columns_.find(column);
    if (it == columns_.end()) throw_data("{}: no column '{}'", path_, column);
    if (it->second >= cells_.size()) throw_data("{}:{}: the row has no '{}' cell", path_, line_ + 1, column);
    return cells_[it->second];
  }
  // An empty cell is NaN.
  double real(const char* column) const {
    const std::string& cell = text(column);
    if (cell.empty()) return kNaN;
    try {
      std::size_t used = 0;
      const double v = std::stod(cell, &used);
      if (used == cell.size()) return v;
    } catch (const std::exception&) {
    }
    throw_data("{}:{}: column '{}': '{}' is not a number", path_, line_ + 1, column, cell);
  }
  std::size_t whole(const char* column) const {
    const double v = real(column);
    if (!(v >= 0) || v != std::floor(v))
      throw_data("{}:{}: column '{}': '{}' is not a count", path_, line_ + 1, column, text(column));
    return static_cast<std::size_t>(v);
  }

 private:
  std::string path_;
  std::ifstream in_;
  std::map<std::string, std::size_t> columns_;
  std::vector<std::string> cells_;
  std::size_t line_ = 0;  // data rows read (the header is line 1)
};

}  // namespace

DiagnosticsWriter::DiagnosticsWriter(const std::string& layers, const std::string& histograms,
                                     const std::string& parameters)
    : layers_(open_for_writing(layers, kLayersHeader)),
      histograms_(open_for_writing(histograms, kHistogramsHeader)),
      parameters_(open_for_writing(parameters, kParametersHeader)) {}

void DiagnosticsWriter::write(const DiagnosticsRecord& r) {
  const std::string when = fmt::format("{},{},{}", r.record, number(r.epoch), r.iteration);
  for (const LayerDiagnostics& d : r.layers) {
    const std::string which = fmt::format("{},{},{}", when, d.layer, d.type);
    layers_ << fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", which, d.units, number(d.mean), number(d.std),
                           number(d.min), number(d.max), number(d.saturated), number(d.dead),
                           number(d.non_finite), number(d.grad_norm), number(d.weight_norm),
                           number(d.update_ratio));
    const Histogram& h = d.histogram;
    std::size_t bin = 0;
    if (h.has_zeros) histograms_ << fmt::format("{},{},0,0,{}\n", which, bin++, h.zeros);
    for (std::size_t k = 0; k < h.bins.size(); ++k)
      histograms_ << fmt::format("{},{},{},{},{}\n", which, bin++, number(h.bin_low(k)), number(h.bin_high(k)),
                                 h.bins[k]);
    for (const ParamDiagnostics& p : d.params)
      parameters_ << fmt::format("{},{},{},{},{},{}\n", which, p.name, p.size, number(p.grad_norm),
                                 number(p.weight_norm), number(p.update_ratio));
  }
  for (std::ofstream* out : {&layers_, &histograms_, &parameters_}) out->flush();
}

std::vector<DiagnosticsRecord> read_diagnostics(const std::string& run_dir) {
  const fs::path dir(run_dir);
  if (run_dir.empty() || !fs::exists(dir / kLayersFile)) return {};
  std::vector<DiagnosticsRecord> records;
  // Layer `layer` of record `record`, which the layers file must have listed.
  auto find = [&](const CsvRows& rows, const char* file) -> LayerDiagnostics& {
    const std::size_t record = rows.whole("record"), layer = rows.whole("layer");
    if (record >= records.size() || layer == 0 || layer > records[record].layers.size())
      throw_data("{}: record {} layer {} is not in {}", (dir / file).string(), record, layer, kLayersFile);
    return records[record].layers[layer - 1];
  };

  CsvRows layers((dir / kLayersFile).string());
  while (layers.next()) {
    const std::size_t record = layers.whole("record");
    if (record > records.size())
      throw_data("{}: record {} follows record {}", (dir / kLayersFile).string(), record, records.size() - 1);
    if (record == records.size()) {
      records.emplace_back();
      records.back().record = record;
      records.back().epoch = layers.real("epoch");
      records.back().iteration = static_cast<std::int64_t>(layers.whole("iteration"));
    }
    LayerDiagnostics d;
    d.layer = layers.whole("layer");
    d.type = layers.text("type");
    if (const LayerType* type = find_layer_type(d.type)) {
      d.range = type->output_range;
      d.activation = type->activation;
    }
    d.units = layers.whole("units");
    d.mean = layers.real("mean");
    d.std = layers.real("std");
    d.min = layers.real("min");
    d.max = layers.real("max");
    d.saturated = layers.real("saturated");
    d.dead = layers.real("dead");
    d.non_finite = layers.real("non_finite");
    d.grad_norm = layers.real("grad_norm");
    d.weight_norm = layers.real("weight_norm");
    d.update_ratio = layers.real("update_ratio");
    if (d.layer != records[record].layers.size() + 1)
      throw_data("{}: record {} lists layer {} after layer {}", (dir / kLayersFile).string(), record, d.layer,
                 records[record].layers.size());
    records[record].layers.push_back(std::move(d));
  }

  if (fs::exists(dir / kHistogramsFile)) {
    CsvRows bins((dir / kHistogramsFile).string());
    while (bins.next()) {
      LayerDiagnostics& d = find(bins, kHistogramsFile);
      Histogram& h = d.histogram;
      const double low = bins.real("low"), high = bins.real("high");
      const std::size_t count = bins.whole("count");
      if (bins.whole("bin") == 0 && low == high) {  // the ReLU family's zeros
        h.has_zeros = true;
        h.zeros = count;
        continue;
      }
      if (h.bins.empty()) h.low = low;
      h.high = high;
      h.bins.push_back(count);
    }
  }
  if (fs::exists(dir / kParametersFile)) {
    CsvRows params((dir / kParametersFile).string());
    while (params.next()) {
      LayerDiagnostics& d = find(params, kParametersFile);
      d.params.push_back({params.text("param"), params.whole("size"), params.real("grad_norm"),
                          params.real("weight_norm"), params.real("update_ratio")});
    }
  }
  return records;
}

}  // namespace scratchnet
