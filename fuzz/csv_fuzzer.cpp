// Fuzzes the CSV reader and the tabular pipeline on arbitrary bytes. The
// first byte picks the options (delimiter, header mode, task, label column,
// and from the same bits the pipeline's impute strategy, indicators and
// category limit); the rest is the file.
// - parse_csv_table + table_to_dataset: a successful parse gives a consistent
//   data set, every feature finite, every label a valid class id.
// - label_table + TabularPipeline fitted on the even rows: every feature
//   finite, each one-hot group holds at most one 1 (exactly one on training
//   rows, which have no unseen category), indicators are 0 or 1, and the
//   pipeline's bytes decode to the same pipeline giving the same features.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "scratchnet/data/csv.h"
#include "scratchnet/data/tabular_split.h"

using namespace scratchnet;

namespace {

void check_dataset(const CsvTable& table, const CsvOptions& options, const std::string& source) {
  const Dataset d = table_to_dataset(table, source, options);
  const std::size_t n = table.rows.size();
  const std::size_t features = d.sample_shape.elements();
  FUZZ_REQUIRE(features + 1 == table.rows[0].size());
  FUZZ_REQUIRE(d.features.size() == n * features);
  for (const float v : d.features) FUZZ_REQUIRE(std::isfinite(v));
  if (d.task == Task::kClassification) {
    FUZZ_REQUIRE(d.labels.size() == n);
    FUZZ_REQUIRE(!d.class_names.empty());
    for (const auto label : d.labels)
      FUZZ_REQUIRE(label >= 0 && static_cast<std::size_t>(label) < d.class_names.size());
  } else {
    FUZZ_REQUIRE(d.targets.size() == n && d.target_dim == 1);
    for (const float v : d.targets) FUZZ_REQUIRE(std::isfinite(v));
  }
}

void check_pipeline(const CsvTable& table, const CsvOptions& options, const std::string& source) {
  const LabelledTable labelled = label_table(table, source, options);
  const std::size_t n = labelled.table.rows.size();
  FUZZ_REQUIRE(n > 0 && n + labelled.dropped_rows == table.rows.size());
  FUZZ_REQUIRE(labelled.labels.size() == n);
  std::vector<std::size_t> train;
  for (std::size_t r = 0; r < n; r += 2) train.push_back(r);
  const TabularPipeline p = TabularPipeline::fit(labelled.table, labelled.label_column, train,
                                                 options.tabular, source);
  const TabularRows out = p.transform(labelled.table, source);
  const std::size_t width = p.output_width();
  FUZZ_REQUIRE(width > 0 && out.rows == n && out.features.size() == n * width);
  FUZZ_REQUIRE(p.output_names().size() == width && p.scaled_outputs().size() == width);
  for (std::size_t r = 0; r < n; ++r) {
    const float* row = out.features.data() + r * width;
    std::size_t at = 0;
    for (const TabularColumn& c : p.columns()) {
      if (c.kind == TabularColumn::Kind::kCategorical) {
        float ones = 0;
        for (std::size_t i = 0; i < c.width(); ++i) {
          FUZZ_REQUIRE(row[at + i] == 0.0f || row[at + i] == 1.0f);
          ones += row[at + i];
        }
        FUZZ_REQUIRE(ones <= 1.0f && (r % 2 == 1 || ones == 1.0f));
      }
      at += c.width();
    }
    for (; at < width; ++at) FUZZ_REQUIRE(row[at] == 0.0f || row[at] == 1.0f);
    for (std::size_t i = 0; i < width; ++i) FUZZ_REQUIRE(std::isfinite(row[i]));
  }
  FUZZ_REQUIRE(!p.describe().empty());
  const std::string bytes = encode_tabular_pipeline(p);
  const TabularPipeline back = decode_tabular_pipeline(bytes, "pipeline");
  FUZZ_REQUIRE(back == p && encode_tabular_pipeline(back) == bytes);
  FUZZ_REQUIRE(back.transform(labelled.table, source).features == out.features);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  static constexpr char kDelimiters[8] = {0, 0, 0, ',', ';', '\t', ' ', '|'};
  static constexpr HeaderMode kHeaders[4] = {HeaderMode::kAuto, HeaderMode::kAuto, HeaderMode::kYes,
                                             HeaderMode::kNo};
  static constexpr TaskMode kTasks[4] = {TaskMode::kAuto, TaskMode::kAuto,
                                         TaskMode::kClassification, TaskMode::kRegression};
  static const char* const kLabels[4] = {"", "0", "-1", "label"};
  static const char* const kImpute[4] = {"median", "mean", "most_frequent", "constant:-1"};
  CsvOptions options;
  options.delimiter = kDelimiters[flags & 7];
  options.header = kHeaders[(flags >> 3) & 3];
  options.task = kTasks[(flags >> 5) & 3];
  options.label = kLabels[(flags >> 7) * 2 + ((flags >> 3) & 1)];
  options.tabular.impute = parse_impute_strategy(kImpute[(flags >> 1) & 3]);
  options.tabular.missing_indicator = (flags & 1) != 0;
  options.tabular.max_categories = (flags & 0x40) ? 4 : 50;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string source = "fuzz.csv";
  CsvTable table;
  try {
    table = parse_csv_table(text, source, options);
    FUZZ_REQUIRE(!table.rows.empty());
    FUZZ_REQUIRE(table.rows.size() == table.line_numbers.size());
    for (const auto& row : table.rows) FUZZ_REQUIRE(row.size() == table.rows[0].size());
    FUZZ_REQUIRE(table.header.empty() || table.header.size() == table.rows[0].size());
  } catch (const Error& e) {
    fuzz::expected(e);
    return 0;
  }
  try {
    check_dataset(table, options, source);
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  try {
    check_pipeline(table, options, source);
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
