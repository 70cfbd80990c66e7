// Fuzzes the CSV reader: parse_csv_table + table_to_dataset on arbitrary
// bytes. The first byte picks the options (delimiter, header mode, task,
// label column); the rest is the file. A successful parse must give a
// consistent data set: every feature finite, every label a valid class id.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "scratchnet/data/csv.h"

using namespace scratchnet;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::uint8_t flags = data[0];
  static constexpr char kDelimiters[8] = {0, 0, 0, ',', ';', '\t', ' ', '|'};
  static constexpr HeaderMode kHeaders[4] = {HeaderMode::kAuto, HeaderMode::kAuto, HeaderMode::kYes,
                                             HeaderMode::kNo};
  static constexpr TaskMode kTasks[4] = {TaskMode::kAuto, TaskMode::kAuto,
                                         TaskMode::kClassification, TaskMode::kRegression};
  static const char* const kLabels[4] = {"", "0", "-1", "label"};
  CsvOptions options;
  options.delimiter = kDelimiters[flags & 7];
  options.header = kHeaders[(flags >> 3) & 3];
  options.task = kTasks[(flags >> 5) & 3];
  options.label = kLabels[(flags >> 7) * 2 + ((flags >> 3) & 1)];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  const std::string source = "fuzz.csv";
  try {
    const CsvTable table = parse_csv_table(text, source, options);
    FUZZ_REQUIRE(!table.rows.empty());
    FUZZ_REQUIRE(table.rows.size() == table.line_numbers.size());
    for (const auto& row : table.rows) FUZZ_REQUIRE(row.size() == table.rows[0].size());
    FUZZ_REQUIRE(table.header.empty() || table.header.size() == table.rows[0].size());
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
  } catch (const Error& e) {
    fuzz::expected(e);
  }
  return 0;
}
