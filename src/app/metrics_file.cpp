#include "scratchnet/app/metrics_file.h"

#include <cmath>
#include <sstream>

#include <fmt/format.h>

#include "scratchnet/core/error.h"

namespace scratchnet {
namespace {

std::string csv_number(double v) { return std::isfinite(v) ? fmt::format("{:.6g}", v) : ""; }

}  // namespace

MetricsWriter::MetricsWriter(const std::string& path, bool validation, bool penalty, const std::string& previous,
                             bool running)
    : out_(path), validation_(validation), penalty_(penalty) {
  if (!out_) throw_data("cannot write '{}'", path);
  text_ = previous.empty()
              ? fmt::format("epoch,iteration,train_loss,{},test_loss,test_accuracy,lr,seconds{}{}{}\n",
                            running ? "running_train_accuracy" : "train_accuracy",
                            validation_ ? ",val_loss,val_accuracy" : "", penalty_ ? ",l2_penalty" : "",
                            running ? "" : ",train_eval_loss")
              : previous;
  // A resumed file from before the column keeps its layout.
  eval_loss_ = text_.substr(0, text_.find('\n')).find(",train_eval_loss") != std::string::npos;
  out_ << text_;
  out_.flush();
}

void MetricsWriter::on_epoch_end(Trainer& /*trainer*/, const EpochStats& s, EpochControl& /*control*/) {
  std::string row = fmt::format("{},{},{},{},{},{},{:.6g},{:.4f}", s.epoch, s.iteration, csv_number(s.train_loss),
                                csv_number(s.train_accuracy), csv_number(s.test_loss), csv_number(s.test_accuracy),
                                s.lr, s.seconds);
  if (validation_) row += "," + csv_number(s.val_loss) + "," + csv_number(s.val_accuracy);
  if (penalty_) row += "," + csv_number(s.l2_penalty);
  if (eval_loss_) row += "," + csv_number(s.train_eval_loss);
  row += "\n";
  text_ += row;
  out_ << row;
  out_.flush();
}

const std::vector<double>* MetricsTable::column(const std::string& name) const {
  for (const auto& [n, values] : columns)
    if (n == name) return &values;
  return nullptr;
}

MetricsTable read_metrics(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw_data("cannot open '{}'", path);
  MetricsTable table;
  std::string line;
  std::getline(in, line);
  std::stringstream header(line);
  for (std::string name; std::getline(header, name, ',');) table.columns.push_back({name, {}});
  for (std::size_t number = 2; std::getline(in, line); ++number) {
    std::stringstream row(line);
    std::string cell;
    for (auto& column : table.columns) {
      if (!std::getline(row, cell, ',')) cell.clear();
      double v = kNaN;
      if (!cell.empty()) {
        try {
          v = std::stod(cell);
        } catch (const std::exception&) {
          throw_data("{}:{}: column '{}': '{}' is not a number", path, number, column.first, cell);
        }
      }
      column.second.push_back(v);
    }
  }
  return table;
}

}  // namespace scratchnet
